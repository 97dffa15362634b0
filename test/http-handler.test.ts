// The automatic routes end to end: the real GitHub provider against the local GitHub double,
// latchkey over a memory store behind a counting proxy, a cookie-jar browser.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAuthHandler } from '../src/http/index.ts';
import { Browser, createHarness, ORIGIN, SECRET, type Harness } from './http-harness.ts';

const json = async (r: Response): Promise<Record<string, unknown>> =>
  (await r.json()) as Record<string, unknown>;

describe('sign-in flow', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  it('starts with a sealed, HttpOnly, __Host- flow cookie and PKCE', async () => {
    const b = new Browser();
    const response = await h.handler.fetch(b.request(`${ORIGIN}/auth/github`));
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get('location')!);
    assert.equal(location.origin, h.double.url);
    assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(location.searchParams.get('redirect_uri'), `${ORIGIN}/auth/github/callback`);
    const state = location.searchParams.get('state')!;
    assert.ok(state.length >= 22);
    const [cookie] = response.headers.getSetCookie();
    assert.match(
      cookie!,
      /^__Host-latchkey_flow=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=(599|600);/,
    );
    assert.ok(!cookie!.includes(state), 'the state is sealed, not readable');
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  it('signs in, sets the session cookie, clears the flow cookie and lands on the success URL', async () => {
    const b = new Browser();
    const tokenRequests = h.double.stats.codeExchanges;
    const response = await h.signIn(b);
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), `${ORIGIN}/`);
    const cookies = response.headers.getSetCookie();
    assert.ok(
      cookies.some((c) => c.startsWith('__Host-latchkey_flow=;') && c.includes('Max-Age=0')),
    );
    assert.ok(
      cookies.some(
        (c) =>
          /^__Host-latchkey_session=lks_/.test(c) && c.includes('HttpOnly') && c.includes('Secure'),
      ),
    );
    assert.equal(h.double.stats.codeExchanges, tokenRequests + 1);
    const session = await h.handler.fetch(b.request(`${ORIGIN}/auth/session`));
    assert.equal(session.status, 200);
    const body = await json(session);
    const user = body.user as { attributes: { username: string } };
    assert.equal(user.attributes.username, 'octocat');
    assert.equal(
      (body.session as { attributes: { userAgent: string } }).attributes.userAgent,
      'TestBrowser/1.0',
    );
  });

  it('a second sign-in finds the same user and replaces the previous session', async () => {
    const b = new Browser();
    await h.signIn(b);
    const first = await json(await h.handler.fetch(b.request(`${ORIGIN}/auth/session`)));
    const oldCookie = b.cookieHeader();
    await h.signIn(b);
    const second = await json(await h.handler.fetch(b.request(`${ORIGIN}/auth/session`)));
    assert.equal((first.user as { id: string }).id, (second.user as { id: string }).id);
    assert.notEqual((first.session as { id: string }).id, (second.session as { id: string }).id);
    const stale = await h.handler.fetch(
      new Request(`${ORIGIN}/auth/session`, { headers: { cookie: oldCookie } }),
    );
    assert.equal(stale.status, 401);
  });

  it('never upgrades a planted cookie', async () => {
    const attacker = new Browser();
    await h.signIn(attacker);
    const planted = attacker.cookies.get('__Host-latchkey_session')!;
    const victim = new Browser();
    victim.cookies.set('__Host-latchkey_session', planted);
    await h.signIn(victim);
    assert.notEqual(victim.cookies.get('__Host-latchkey_session'), planted);
    const old = await h.handler.fetch(
      new Request(`${ORIGIN}/auth/session`, {
        headers: { cookie: `__Host-latchkey_session=${planted}` },
      }),
    );
    assert.equal(old.status, 401);
  });

  it('follows a same-origin success_url fixed at the start and ignores a foreign one', async () => {
    const ok = await h.signIn(new Browser(), '?success_url=%2Fdashboard%3Ftab%3D1');
    assert.equal(ok.headers.get('location'), `${ORIGIN}/dashboard?tab=1`);
    for (const evil of [
      '//evil.test',
      'https://evil.test/',
      '/%2F%2Fevil.test',
      '/\\evil.test',
      'https://app.test@evil.test/',
    ]) {
      const r = await h.signIn(new Browser(), `?success_url=${encodeURIComponent(evil)}`);
      assert.equal(r.headers.get('location'), `${ORIGIN}/`, evil);
    }
  });

  it('limits ?scope= to the provider allow-list', async () => {
    const bad = await h.handler.fetch(new Request(`${ORIGIN}/auth/github?scope=repo`));
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { error: 'invalid_scope' });
    const mixed = await h.handler.fetch(
      new Request(`${ORIGIN}/auth/github?scope=read:user,admin:org`),
    );
    assert.equal(mixed.status, 400);
    const good = await h.handler.fetch(new Request(`${ORIGIN}/auth/github?scope=read:user`));
    assert.equal(good.status, 302);
    assert.equal(new URL(good.headers.get('location')!).searchParams.get('scope'), 'read:user');
  });

  it('rejects a replayed callback without a token request', async () => {
    const b = new Browser();
    const callback = await h.authorize(b);
    const flowCookie = b.cookieHeader();
    const first = await h.handler.fetch(new Request(callback, { headers: { cookie: flowCookie } }));
    assert.equal(first.status, 302);
    const exchanges = h.double.stats.codeExchanges;
    const writes = h.counting.writes();
    const replay = await h.handler.fetch(
      new Request(callback, { headers: { cookie: flowCookie } }),
    );
    assert.equal(replay.status, 400);
    assert.deepEqual(await replay.json(), { error: 'invalid_state' });
    assert.ok(replay.headers.getSetCookie().some((c) => c.startsWith('__Host-latchkey_flow=;')));
    assert.equal(h.double.stats.codeExchanges, exchanges);
    assert.equal(h.counting.writes(), writes + 1, 'only the refused single-use insert');
  });

  it('two identical concurrent callbacks: one token request, one session, one 400', async () => {
    const b = new Browser();
    const callback = await h.authorize(b);
    const cookie = b.cookieHeader();
    const exchanges = h.double.stats.codeExchanges;
    const sessions = h.counting.calls.get('createSession') ?? 0;
    const [r1, r2] = await Promise.all([
      h.handler.fetch(new Request(callback, { headers: { cookie } })),
      h.handler.fetch(new Request(callback, { headers: { cookie } })),
    ]);
    assert.deepEqual([r1.status, r2.status].sort(), [302, 400]);
    assert.equal(h.double.stats.codeExchanges, exchanges + 1);
    assert.equal(h.counting.calls.get('createSession') ?? 0, sessions + 1);
  });

  it('refuses missing, tampered, foreign-state and expired flow cookies: 400, no writes, no token request', async () => {
    const b = new Browser();
    const callback = await h.authorize(b);
    const real = b.cookies.get('__Host-latchkey_flow')!;
    const exchanges = h.double.stats.codeExchanges;
    const writes = h.counting.writes();
    const tampered = real.slice(0, 20) + (real[20] === 'A' ? 'B' : 'A') + real.slice(21);
    const other = new Browser();
    await h.authorize(other);
    const cases: Record<string, string | null> = {
      missing: null,
      tampered: `__Host-latchkey_flow=${tampered}`,
      foreign: `__Host-latchkey_flow=${other.cookies.get('__Host-latchkey_flow')}`,
      insecureName: `latchkey_flow=${real}`,
      duplicated: `__Host-latchkey_flow=${real}; __Host-latchkey_flow=${real}`,
    };
    const writesAfterSetup = h.counting.writes();
    assert.equal(writesAfterSetup, writes);
    for (const [name, cookie] of Object.entries(cases)) {
      const headers: Record<string, string> = cookie ? { cookie } : {};
      const r = await h.handler.fetch(new Request(callback, { headers }));
      assert.equal(r.status, 400, name);
    }
    h.now.value += 10 * 60_000 + 1;
    try {
      const r = await h.handler.fetch(
        new Request(callback, { headers: { cookie: `__Host-latchkey_flow=${real}` } }),
      );
      assert.equal(r.status, 400, 'expired');
    } finally {
      h.now.value -= 10 * 60_000 + 1;
    }
    assert.equal(h.double.stats.codeExchanges, exchanges);
    assert.equal(h.counting.writes(), writes);
    // The genuine cookie still works afterwards.
    const good = await h.handler.fetch(
      new Request(callback, { headers: { cookie: `__Host-latchkey_flow=${real}` } }),
    );
    assert.equal(good.status, 302);
  });

  it('refuses a flow cookie sealed for another provider', async () => {
    const h2 = await createHarness({}, (p) => [{ ...p, id: 'github2' }]);
    try {
      const b = new Browser();
      const callback = await h2.authorize(b, '', 'github2');
      const asGithub = callback.replace('/auth/github2/callback', '/auth/github/callback');
      const r = await h2.handler.fetch(b.request(asGithub));
      assert.equal(r.status, 400);
      assert.equal(h2.double.stats.codeExchanges, 0);
    } finally {
      await h2.close();
    }
  });

  it('answers 400 to duplicate callback parameters', async () => {
    const b = new Browser();
    const callback = await h.authorize(b);
    const exchanges = h.double.stats.codeExchanges;
    const r = await h.handler.fetch(b.request(`${callback}&code=other`));
    assert.equal(r.status, 400);
    assert.deepEqual(await r.json(), { error: 'duplicate_parameter' });
    const r2 = await h.handler.fetch(b.request(`${callback}&state=x`));
    assert.equal(r2.status, 400);
    assert.equal(h.double.stats.codeExchanges, exchanges);
  });

  it('sends a provider denial to the error page with ?error=access_denied', async () => {
    h.double.denyNext();
    const b = new Browser();
    const r = await h.signIn(b);
    assert.equal(r.status, 302);
    const location = new URL(r.headers.get('location')!);
    assert.equal(location.pathname, '/auth/error');
    assert.equal(location.searchParams.get('error'), 'access_denied');
    const page = await h.handler.fetch(new Request(location));
    assert.equal(page.status, 400);
    assert.match(await page.text(), /access_denied/);
    const xss = await h.handler.fetch(new Request(`${ORIGIN}/auth/error?error=%3Cscript%3E`));
    assert.ok(!(await xss.text()).includes('<script>'));
  });

  it('the error page shows only known reason codes, never the text of ?error=', async () => {
    for (const [sent, shown] of [
      ['access_denied', 'access_denied'],
      ['link_session_mismatch', 'link_session_mismatch'],
      ['call_0800_evil_support', 'oauth_error'],
      ['%3Cb%3Ehi', 'oauth_error'],
      ['toString', 'oauth_error'],
      ['__proto__', 'oauth_error'],
    ] as const) {
      const page = await h.handler.fetch(new Request(`${ORIGIN}/auth/error?error=${sent}`));
      const html = await page.text();
      assert.match(html, new RegExp(`<code>${shown}</code>`), sent);
      if (shown === 'oauth_error') assert.ok(!html.includes(sent.slice(0, 8)), sent);
    }
    // A provider's unknown error code is not passed on to the error page (or the app's errorURL).
    const b = new Browser();
    const callback = new URL(await h.authorize(b));
    callback.searchParams.delete('code');
    callback.searchParams.set('error', 'visit_evil_example_to_unlock');
    const r = await h.handler.fetch(b.request(callback.href));
    assert.equal(new URL(r.headers.get('location')!).searchParams.get('error'), 'oauth_error');
  });

  it('two first sign-ins of the same new person at once make one user', async () => {
    h.double.addUser({ login: 'twin' });
    h.double.approveAs('twin');
    try {
      const [a, b] = [new Browser(), new Browser()];
      const [ca, cb] = await Promise.all([h.authorize(a), h.authorize(b)]);
      const [ra, rb] = await Promise.all([
        h.handler.fetch(a.request(ca)).then((r) => a.absorb(r)),
        h.handler.fetch(b.request(cb)).then((r) => b.absorb(r)),
      ]);
      assert.equal(ra.status, 302);
      assert.equal(rb.status, 302);
      const ua = await json(await h.handler.fetch(a.request(`${ORIGIN}/auth/session`)));
      const ub = await json(await h.handler.fetch(b.request(`${ORIGIN}/auth/session`)));
      assert.equal((ua.user as { id: string }).id, (ub.user as { id: string }).id);
    } finally {
      h.double.approveAs('octocat');
    }
  });

  it('a store failure answers 503 store_unavailable, leaves no rows, and a retry works', async () => {
    const fragile = h.double.addUser({ login: 'fragile' });
    h.double.approveAs('fragile');
    try {
      const b = new Browser();
      h.counting.failNext('createUser');
      const r = await h.signIn(b);
      assert.equal(r.status, 503);
      assert.deepEqual(await r.json(), { error: 'store_unavailable' });
      assert.ok(r.headers.getSetCookie().some((c) => c.startsWith('__Host-latchkey_flow=;')));
      const key = {
        providerId: 'github',
        issuer: h.provider.issuer,
        providerUserId: String(fragile.id),
      };
      assert.equal(await h.auth.getUserByAccount(key), null, 'no partial rows');
      const retry = await h.signIn(b);
      assert.equal(retry.status, 302);
      const s = await json(await h.handler.fetch(b.request(`${ORIGIN}/auth/session`)));
      assert.equal((s.user as { attributes: { username: string } }).attributes.username, 'fragile');
      assert.equal((await h.auth.getUserAccounts((s.user as { id: string }).id)).length, 1);
    } finally {
      h.double.approveAs('octocat');
    }
  });
});

describe('hooks', () => {
  it('allowSignIn may refuse new people; mapProfile and onSignIn are called', async () => {
    const seen: string[] = [];
    const h = await createHarness({
      hooks: {
        allowSignIn: (profile) => profile.username !== 'hubot',
        mapProfile: (profile) => ({ handle: profile.username }),
        onSignIn: ({ isNewUser, user }) => {
          seen.push(`${String(user.attributes.handle)}:${isNewUser}`);
        },
      },
    });
    try {
      h.double.approveAs('hubot');
      const denied = await h.signIn(new Browser());
      assert.equal(
        new URL(denied.headers.get('location')!).searchParams.get('error'),
        'sign_in_denied',
      );
      assert.equal(h.counting.calls.get('createUser') ?? 0, 0);
      h.double.approveAs('octocat');
      await h.signIn(new Browser());
      await h.signIn(new Browser());
      assert.deepEqual(seen, ['octocat:true', 'octocat:false']);
    } finally {
      await h.close();
    }
  });

  it('an unexpected exception is a generic 500 and the log has no secret', async () => {
    const h = await createHarness({}, (p) => [
      {
        ...p,
        id: 'broken',
        createAuthorizationURL: () =>
          Promise.reject(new Error('boom client_secret=client-secret-1')),
      },
    ]);
    try {
      const r = await h.handler.fetch(new Request(`${ORIGIN}/auth/broken`));
      assert.equal(r.status, 500);
      assert.deepEqual(await r.json(), { error: 'server_error' });
      assert.ok(r.headers.get('x-latchkey-error-id'));
      assert.equal(h.logs.length, 1);
      assert.ok(!JSON.stringify(h.logs).includes('client-secret-1'));
    } finally {
      await h.close();
    }
  });

  it('refuses a short secret, a reserved provider id and a bad basePath with TypeError', async () => {
    const h = await createHarness();
    try {
      assert.throws(
        () => createAuthHandler(h.auth, { providers: [h.provider], secret: 'short' }),
        TypeError,
      );
      assert.throws(
        () =>
          createAuthHandler(h.auth, {
            providers: [{ ...h.provider, id: 'session' }],
            secret: SECRET,
          }),
        TypeError,
      );
      assert.throws(
        () => createAuthHandler(h.auth, { providers: [h.provider, h.provider], secret: SECRET }),
        TypeError,
      );
      assert.throws(
        () =>
          createAuthHandler(h.auth, { providers: [h.provider], secret: SECRET, basePath: 'auth/' }),
        TypeError,
      );
    } finally {
      await h.close();
    }
  });
});
