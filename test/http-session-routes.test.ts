// Session, sign-out, revoke, link/unlink routes, CSRF origin checks and rate limiting.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, createHarness, ORIGIN, type Harness } from './http-harness.ts';

type SessionBody = { user: { id: string }; session: { id: string } };
const SAME = { origin: ORIGIN };
/** A link start as the app's own form posts it. */
const LINK: RequestInit = { method: 'POST', headers: SAME };

async function whoami(h: Harness, b: Browser): Promise<SessionBody | null> {
  const r = await h.handler.fetch(b.request(`${ORIGIN}/auth/session`));
  return r.status === 200 ? ((await r.json()) as SessionBody) : null;
}

describe('session routes', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({}, (p) => [{ ...p, id: 'github2' }]);
  });
  after(() => h.close());

  it('GET /session is 401 without a session and works with a bearer token', async () => {
    const none = await h.handler.fetch(new Request(`${ORIGIN}/auth/session`));
    assert.equal(none.status, 401);
    const b = new Browser();
    await h.signIn(b);
    const token = b.cookies.get('__Host-latchkey_session')!;
    const bearer = await h.handler.fetch(
      new Request(`${ORIGIN}/auth/session`, { headers: { authorization: `Bearer ${token}` } }),
    );
    assert.equal(bearer.status, 200);
    assert.equal(bearer.headers.getSetCookie().length, 0);
    for (const bad of [
      'Bearer',
      'Bearer  x',
      `Basic ${token}`,
      `Bearer ${'a'.repeat(5000)}`,
      'Bearer ü',
    ]) {
      const r = await h.handler.fetch(
        new Request(`${ORIGIN}/auth/session`, { headers: { authorization: bad } }),
      );
      assert.equal(r.status, 401, bad);
    }
  });

  it('re-sends the cookie when the session was renewed', async () => {
    const b = new Browser();
    await h.signIn(b);
    const quiet = await h.handler.fetch(b.request(`${ORIGIN}/auth/session`));
    assert.equal(quiet.headers.getSetCookie().length, 0);
    h.now.value += 2 * 60 * 60_000;
    const renewed = await h.handler.fetch(b.request(`${ORIGIN}/auth/session`));
    assert.equal(renewed.status, 200);
    const [cookie] = renewed.headers.getSetCookie();
    assert.match(cookie!, /^__Host-latchkey_session=lks_/);
  });

  it('POST /logout checks Origin / Sec-Fetch-Site, then signs out and clears the cookie', async () => {
    const b = new Browser();
    await h.signIn(b);
    const attempts: Record<string, string>[] = [
      {},
      { origin: 'https://evil.test' },
      { origin: 'null' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.test', 'sec-fetch-site': 'same-origin' },
    ];
    for (const headers of attempts) {
      const r = await h.handler.fetch(
        b.request(`${ORIGIN}/auth/logout`, { method: 'POST', headers }),
      );
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.deepEqual(await r.json(), { error: 'forbidden_origin' });
    }
    assert.ok(await whoami(h, b));
    const get = await h.handler.fetch(b.request(`${ORIGIN}/auth/logout`));
    assert.equal(get.status, 405);
    const r = await h.handler.fetch(
      b.request(`${ORIGIN}/auth/logout`, {
        method: 'POST',
        headers: { 'sec-fetch-site': 'same-origin' },
      }),
    );
    assert.equal(r.status, 204);
    assert.ok(r.headers.getSetCookie()[0]!.includes('Max-Age=0'));
    const token = b.cookies.get('__Host-latchkey_session')!;
    assert.equal(await h.auth.validateSession(token), null);
  });

  it('revoke and unlink refuse Origin: null and every Sec-Fetch-Site but same-origin', async () => {
    const b = new Browser();
    await h.signIn(b);
    const me = (await whoami(h, b))!;
    const attempts: Record<string, string>[] = [
      {},
      { origin: 'https://evil.test' },
      { origin: 'null' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { origin: 'null', 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'none' },
      { origin: 'https://evil.test', 'sec-fetch-site': 'same-origin' },
    ];
    const writes = h.counting.writes();
    for (const headers of attempts) {
      for (const [method, path] of [
        ['POST', `/auth/sessions/${me.session.id}`],
        ['DELETE', `/auth/sessions/${me.session.id}`],
        ['POST', '/auth/github/unlink'],
      ] as const) {
        const r = await h.handler.fetch(b.request(`${ORIGIN}${path}`, { method, headers }));
        assert.equal(r.status, 403, `${method} ${path} ${JSON.stringify(headers)}`);
        assert.deepEqual(await r.json(), { error: 'forbidden_origin' });
      }
    }
    assert.equal(h.counting.writes(), writes, 'nothing revoked or unlinked');
    assert.ok(await whoami(h, b));
    const nullButSame = await h.handler.fetch(
      b.request(`${ORIGIN}/auth/sessions/${me.session.id}`, {
        method: 'POST',
        headers: { origin: 'null', 'sec-fetch-site': 'same-origin' },
      }),
    );
    assert.equal(nullButSame.status, 204, 'a no-referrer page of our own still works');
  });

  it('a form sign-out is redirected with 303', async () => {
    const b = new Browser();
    await h.signIn(b);
    const r = await h.handler.fetch(
      b.request(`${ORIGIN}/auth/logout`, {
        method: 'POST',
        headers: { ...SAME, accept: 'text/html' },
      }),
    );
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), `${ORIGIN}/`);
  });

  it('bearer sign-out needs no Origin', async () => {
    const b = new Browser();
    await h.signIn(b);
    const token = b.cookies.get('__Host-latchkey_session')!;
    const r = await h.handler.fetch(
      new Request(`${ORIGIN}/auth/logout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    assert.equal(r.status, 204);
    assert.equal(await h.auth.validateSession(token), null);
  });

  it('sign out everywhere: ?all and /logout-all', async () => {
    for (const path of ['/auth/logout?all', '/auth/logout-all']) {
      const [a, b] = [new Browser('A'), new Browser('B')];
      await h.signIn(a);
      await h.signIn(b);
      const r = await h.handler.fetch(
        a.request(`${ORIGIN}${path}`, { method: 'POST', headers: SAME }),
      );
      assert.equal(r.status, 204);
      assert.equal(await whoami(h, b), null, path);
    }
  });

  it('lists and revokes own sessions; another user’s session is 404', async () => {
    const [a, b] = [new Browser('A'), new Browser('B')];
    await h.signIn(a);
    await h.signIn(b);
    const list = (await (await h.handler.fetch(a.request(`${ORIGIN}/auth/sessions`))).json()) as {
      sessions: { id: string; current: boolean; attributes: { userAgent: string } }[];
    };
    const other = list.sessions.find((s) => s.attributes.userAgent === 'B')!;
    assert.ok(list.sessions.some((s) => s.current && s.attributes.userAgent === 'A'));
    const csrf = await h.handler.fetch(
      a.request(`${ORIGIN}/auth/sessions/${other.id}`, { method: 'POST' }),
    );
    assert.equal(csrf.status, 403);
    const r = await h.handler.fetch(
      a.request(`${ORIGIN}/auth/sessions/${other.id}`, { method: 'DELETE', headers: SAME }),
    );
    assert.equal(r.status, 204);
    assert.equal(await whoami(h, b), null);
    // Someone else's session (hubot's): 404, and it survives.
    h.double.approveAs('hubot');
    const c = new Browser('C');
    await h.signIn(c);
    h.double.approveAs('octocat');
    const cs = (await whoami(h, c))!;
    const foreign = await h.handler.fetch(
      a.request(`${ORIGIN}/auth/sessions/${cs.session.id}`, { method: 'DELETE', headers: SAME }),
    );
    assert.equal(foreign.status, 404);
    assert.ok(await whoami(h, c));
    const junk = await h.handler.fetch(
      a.request(`${ORIGIN}/auth/sessions/..%2f`, { method: 'DELETE', headers: SAME }),
    );
    assert.equal(junk.status, 404);
  });
});

describe('link and unlink', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness({}, (p) => [{ ...p, id: 'github2' }]);
  });
  after(() => h.close());

  it('links a second provider only for the session that started it, then unlinks but never the last', async () => {
    const b = new Browser();
    h.double.approveAs('octocat');
    await h.signIn(b);
    const me = (await whoami(h, b))!;
    const unauth = await h.handler.fetch(new Request(`${ORIGIN}/auth/github2/link`, LINK));
    assert.equal(unauth.status, 401);
    const start = b.absorb(await h.handler.fetch(b.request(`${ORIGIN}/auth/github2/link`, LINK)));
    assert.equal(start.status, 303);
    const callback = (
      await fetch(start.headers.get('location')!, { redirect: 'manual' })
    ).headers.get('location')!;
    const done = b.absorb(await h.handler.fetch(b.request(callback)));
    assert.equal(done.status, 302);
    assert.equal(done.headers.get('location'), `${ORIGIN}/`);
    const accounts = await h.auth.getUserAccounts(me.user.id);
    assert.deepEqual(accounts.map((a) => a.providerId).sort(), ['github', 'github2']);
    assert.equal((await whoami(h, b))!.session.id, me.session.id, 'the session is kept');

    const csrf = await h.handler.fetch(
      b.request(`${ORIGIN}/auth/github2/unlink`, {
        method: 'POST',
        headers: { origin: 'https://evil.test' },
      }),
    );
    assert.equal(csrf.status, 403);
    const unlink = await h.handler.fetch(
      b.request(`${ORIGIN}/auth/github2/unlink`, { method: 'POST', headers: SAME }),
    );
    assert.equal(unlink.status, 204);
    const last = await h.handler.fetch(
      b.request(`${ORIGIN}/auth/github/unlink`, { method: 'POST', headers: SAME }),
    );
    assert.equal(last.status, 409);
    assert.deepEqual(await last.json(), { error: 'last_account' });
    assert.equal((await h.auth.getUserAccounts(me.user.id)).length, 1);
  });

  it('a link start is POST only and CSRF-checked: GET is 405, a cross-site post starts nothing', async () => {
    const b = new Browser();
    await h.signIn(b);
    const url = `${ORIGIN}/auth/github2/link`;
    for (const method of ['GET', 'HEAD']) {
      const r = await h.handler.fetch(b.request(url, { method }));
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.get('allow'), 'POST');
      assert.deepEqual(r.headers.getSetCookie(), []);
    }
    for (const headers of [
      { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'none' },
      {},
    ] as Record<string, string>[]) {
      const r = await h.handler.fetch(b.request(url, { method: 'POST', headers }));
      assert.equal(r.status, 403, JSON.stringify(headers));
      assert.deepEqual(r.headers.getSetCookie(), [], 'no flow cookie');
    }
    for (const headers of [
      SAME,
      { 'sec-fetch-site': 'same-origin' },
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
    ] as Record<string, string>[]) {
      const r = await h.handler.fetch(b.request(url, { method: 'POST', headers }));
      assert.equal(r.status, 303, JSON.stringify(headers));
      assert.match(r.headers.getSetCookie()[0]!, /^__Host-latchkey_flow=/);
    }
  });

  it('refuses a link finished by another session, and never merges an account owned by someone else', async () => {
    const b = new Browser();
    await h.signIn(b);
    const start = b.absorb(await h.handler.fetch(b.request(`${ORIGIN}/auth/github2/link`, LINK)));
    const callback = (
      await fetch(start.headers.get('location')!, { redirect: 'manual' })
    ).headers.get('location')!;
    // The browser signs in again (new session) before the link comes back.
    const flow = b.cookies.get('__Host-latchkey_flow')!;
    await h.signIn(b);
    b.cookies.set('__Host-latchkey_flow', flow);
    const r = await h.handler.fetch(b.request(callback));
    assert.equal(
      new URL(r.headers.get('location')!).searchParams.get('error'),
      'link_session_mismatch',
    );

    // hubot owns github2:hubot; octocat tries to link it.
    h.double.approveAs('hubot');
    const hubot = new Browser();
    await h.signIn(hubot, '');
    const hs = b.absorb(await h.handler.fetch(hubot.request(`${ORIGIN}/auth/github2/link`, LINK)));
    hubot.absorb(hs);
    const hc = (await fetch(hs.headers.get('location')!, { redirect: 'manual' })).headers.get(
      'location',
    )!;
    assert.equal((await h.handler.fetch(hubot.request(hc))).status, 302);
    h.double.approveAs('hubot');
    const start2 = b.absorb(await h.handler.fetch(b.request(`${ORIGIN}/auth/github2/link`, LINK)));
    const cb2 = (await fetch(start2.headers.get('location')!, { redirect: 'manual' })).headers.get(
      'location',
    )!;
    const merged = await h.handler.fetch(b.request(cb2));
    assert.equal(
      new URL(merged.headers.get('location')!).searchParams.get('error'),
      'account_exists',
    );
    const me = (await whoami(h, b))!;
    assert.deepEqual(
      (await h.auth.getUserAccounts(me.user.id)).map((a) => a.providerId),
      ['github'],
    );
    h.double.approveAs('octocat');
  });
});

describe('rate limiting', () => {
  it('429 with Retry-After past the limit, per client address, and never trusts X-Forwarded-For by default', async () => {
    const h = await createHarness({ rateLimit: { signIn: 2, window: 60_000 } });
    try {
      const go = (address: string, xff?: string) =>
        h.handler.fetch(
          new Request(`${ORIGIN}/auth/github`, { headers: xff ? { 'x-forwarded-for': xff } : {} }),
          { clientAddress: address },
        );
      assert.equal((await go('10.0.0.1')).status, 302);
      assert.equal((await go('10.0.0.1', '1.1.1.1')).status, 302);
      const third = await go('10.0.0.1', '2.2.2.2');
      assert.equal(third.status, 429);
      assert.deepEqual(await third.json(), { error: 'rate_limited' });
      const retry = Number(third.headers.get('retry-after'));
      assert.ok(retry >= 1 && retry <= 60);
      assert.equal((await go('10.0.0.2')).status, 302);
      h.now.value += 60_000;
      assert.equal((await go('10.0.0.1')).status, 302);
    } finally {
      await h.close();
    }
  });

  it('uses the last X-Forwarded-For entry only with trustProxy', async () => {
    const h = await createHarness({ rateLimit: { signIn: 1 }, trustProxy: true });
    try {
      const go = (xff: string) =>
        h.handler.fetch(
          new Request(`${ORIGIN}/auth/github`, { headers: { 'x-forwarded-for': xff } }),
          { clientAddress: '127.0.0.1' },
        );
      assert.equal((await go('9.9.9.9, 10.0.0.1')).status, 302);
      assert.equal(
        (await go('8.8.8.8, 10.0.0.1')).status,
        429,
        'the spoofable first entry is ignored',
      );
      assert.equal((await go('10.0.0.9')).status, 302);
    } finally {
      await h.close();
    }
  });
});

describe('origins', () => {
  it('the origin option fixes the redirect URI and cookie rules behind a proxy; allowedOrigins are followed', async () => {
    const h = await createHarness({
      origin: ORIGIN,
      allowedOrigins: ['https://admin.app.test'],
    });
    try {
      const b = new Browser();
      // The request reaches the app under an internal URL.
      const start = b.absorb(
        await h.handler.fetch(
          b.request(
            'http://10.0.0.5:8080/auth/github?success_url=https%3A%2F%2Fadmin.app.test%2Fx',
          ),
        ),
      );
      const location = new URL(start.headers.get('location')!);
      assert.equal(location.searchParams.get('redirect_uri'), `${ORIGIN}/auth/github/callback`);
      assert.ok(b.cookies.has('__Host-latchkey_flow'));
      const callback = (await fetch(location, { redirect: 'manual' })).headers.get('location')!;
      const internal = callback.replace(ORIGIN, 'http://10.0.0.5:8080');
      const done = b.absorb(await h.handler.fetch(b.request(internal)));
      assert.equal(done.status, 302);
      assert.equal(done.headers.get('location'), 'https://admin.app.test/x');
      const logout = await h.handler.fetch(
        b.request('http://10.0.0.5:8080/auth/logout', {
          method: 'POST',
          headers: { origin: 'https://admin.app.test' },
        }),
      );
      assert.equal(logout.status, 204);
    } finally {
      await h.close();
    }
  });

  it('trustProxy takes the origin from X-Forwarded-Proto/Host; without it they are ignored', async () => {
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.test' };
    const trusted = await createHarness({ trustProxy: true });
    const untrusted = await createHarness();
    try {
      const a = await trusted.handler.fetch(
        new Request('http://10.0.0.5/auth/github', { headers }),
      );
      assert.equal(
        new URL(a.headers.get('location')!).searchParams.get('redirect_uri'),
        'https://app.test/auth/github/callback',
      );
      const b = await untrusted.handler.fetch(
        new Request('http://10.0.0.5/auth/github', { headers }),
      );
      assert.equal(
        new URL(b.headers.get('location')!).searchParams.get('redirect_uri'),
        'http://10.0.0.5/auth/github/callback',
      );
    } finally {
      await trusted.close();
      await untrusted.close();
    }
  });
});
