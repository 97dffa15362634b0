// The runtime-neutral suite: latchkey's core, a full sign-in through the HTTP handler against the
// GitHub double, session listing and revocation, and the token vault's single-flight refresh.
// It imports only latchkey's fetch-based code (no node: modules), so the same file runs on
// Node 22, Node 24, Bun, Deno and workerd; the double runs wherever node:http does and is
// reached by URL (see double-world.ts).
import { createLatchkey } from '../../src/core/latchkey.ts';
import { createGitHubApp } from '../../src/github/index.ts';
import { createAuthHandler } from '../../src/http/index.ts';
import type { OAuthProvider } from '../../src/oauth/provider.ts';
import { github } from '../../src/providers/github.ts';
import type { Store } from '../../src/store.ts';
import { createTokenVault, generateTokenKey } from '../../src/tokens/index.ts';
import { APP_CALLBACK, ORIGIN, WEB_APP, WEB_USER } from './double-world.ts';
import { assert, equal, Suite } from './harness.ts';

const HOUR = 3_600_000;
const COOKIE = '__Host-latchkey_session';

export interface RuntimeSuiteOptions {
  /** The GitHub double set up by `setUpDouble` (double-world.ts). */
  doubleURL: string;
  /** Each store the suite runs on; a fresh one per test. */
  stores: { name: string; open: () => Promise<Store> }[];
}

/** Just enough of a browser: a cookie jar in front of the handler. */
class Browser {
  readonly cookies = new Map<string, string>();
  request(url: string, init: RequestInit = {}): Request {
    const headers = new Headers(init.headers);
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie !== '') headers.set('cookie', cookie);
    return new Request(url, { ...init, headers });
  }
  absorb(response: Response): Response {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (attrs.some((a) => a.trim() === 'Max-Age=0')) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  }
}

export function runtimeSuite({ doubleURL, stores }: RuntimeSuiteOptions): Suite {
  const suite = new Suite();
  for (const { name, open } of stores) {
    suite.test(`${name}: core users, sessions, validate, list, revoke one and all`, async () => {
      const store = await open();
      try {
        await coreSessions(store);
      } finally {
        await store.close();
      }
    });
    suite.test(
      `${name}: sign-in through createAuthHandler, sessions listed and revoked`,
      async () => {
        const store = await open();
        try {
          await signInAndRevoke(store, doubleURL);
        } finally {
          await store.close();
        }
      },
    );
    suite.test(`${name}: token vault refreshes once for 20 concurrent callers`, async () => {
      const store = await open();
      try {
        await vaultSingleFlight(store, doubleURL);
      } finally {
        await store.close();
      }
    });
  }
  return suite;
}

async function coreSessions(store: Store): Promise<void> {
  const auth = createLatchkey<{ name: string }, { device: string }>({ store });
  const account = { providerId: 'github', providerUserId: '1001' };
  const user = await auth.createUser({ attributes: { name: 'Ada' }, account });
  equal((await auth.getUserByAccount(account))?.id, user.id, 'user by account');
  equal((await auth.getUser(user.id))?.attributes.name, 'Ada', 'user attributes');
  const a = await auth.createSession({ userId: user.id, attributes: { device: 'laptop' } });
  const b = await auth.createSession({ userId: user.id, attributes: { device: 'phone' } });
  const c = await auth.createSession({ userId: user.id, attributes: { device: 'tablet' } });
  assert(a.token.startsWith('lks_'), 'a session token has its prefix');
  const valid = await auth.validateSession(a.token);
  equal(valid?.session.id, a.session.id, 'validated session id');
  equal(valid?.user.id, user.id, 'validated user id');
  equal(valid?.session.attributes.device, 'laptop', 'session attributes');
  const wrong = a.token.slice(0, -1) + (a.token.endsWith('a') ? 'b' : 'a');
  equal(await auth.validateSession(wrong), null, 'a wrong secret');
  equal(await auth.validateSession('lks_nope'), null, 'a malformed token');
  const listed = (await auth.getUserSessions(user.id)).map((s) => s.id).sort();
  equal(
    listed.join(),
    [a, b, c]
      .map((s) => s.session.id)
      .sort()
      .join(),
    'listed sessions',
  );
  await auth.invalidateSession(b.session.id);
  equal(await auth.validateSession(b.token), null, 'a revoked session');
  equal((await auth.getUserSessions(user.id)).length, 2, 'sessions after one revocation');
  await auth.invalidateUserSessions(user.id);
  equal(await auth.validateSession(a.token), null, 'after revoke-all (a)');
  equal(await auth.validateSession(c.token), null, 'after revoke-all (c)');
  equal((await auth.getUserSessions(user.id)).length, 0, 'sessions after revoke-all');
  await auth.deleteUser(user.id);
  equal(await auth.getUser(user.id), null, 'deleted user');
}

async function signInAndRevoke(store: Store, doubleURL: string): Promise<void> {
  const auth = createLatchkey<Record<string, unknown>, Record<string, unknown>>({ store });
  const provider = github({
    clientId: WEB_APP.clientId,
    clientSecret: WEB_APP.clientSecret,
    endpoints: { web: doubleURL, api: doubleURL },
  }) as unknown as OAuthProvider;
  const handler = createAuthHandler(auth, {
    providers: [provider],
    secret: 'runtime-suite-secret-0123456789-abcdefgh',
    rateLimit: false,
  });
  const call = async (b: Browser, path: string, init?: RequestInit) =>
    b.absorb(await handler.fetch(b.request(`${ORIGIN}${path}`, init)));

  const signIn = async (b: Browser): Promise<void> => {
    const start = await call(b, '/auth/github');
    equal(start.status, 302, 'start status');
    const location = new URL(start.headers.get('location') ?? '');
    equal(
      location.origin + location.pathname,
      `${doubleURL}/login/oauth/authorize`,
      'authorize URL',
    );
    equal(location.searchParams.get('client_id'), WEB_APP.clientId, 'client_id');
    const atDouble = await fetch(location, { redirect: 'manual' });
    equal(atDouble.status, 302, 'double authorize status');
    const callback = new URL(atDouble.headers.get('location') ?? '');
    equal(callback.origin + callback.pathname, APP_CALLBACK, 'callback URL');
    const done = await call(b, callback.pathname + callback.search);
    equal(done.status, 302, 'callback status');
    assert(b.cookies.get(COOKIE)?.startsWith('lks_'), 'session cookie set');
  };
  const whoami = async (b: Browser) => {
    const r = await call(b, '/auth/session');
    return r.status === 200
      ? ((await r.json()) as {
          user: { id: string; attributes: { username: string } };
          session: { id: string };
        })
      : null;
  };

  const laptop = new Browser();
  const phone = new Browser();
  const tablet = new Browser();
  equal(await whoami(laptop), null, 'signed out at first');
  for (const b of [laptop, phone, tablet]) await signIn(b);
  const me = await whoami(laptop);
  equal(me?.user.attributes.username, WEB_USER, 'the signed-in GitHub login');
  equal((await whoami(phone))?.user.id, me?.user.id, 'the same user on each device');

  const list = await call(laptop, '/auth/sessions');
  equal(list.status, 200, 'GET /sessions');
  const { sessions } = (await list.json()) as { sessions: { id: string; current: boolean }[] };
  equal(sessions.length, 3, 'three sessions listed');
  equal(sessions.filter((s) => s.current).length, 1, 'one current session');
  equal(sessions.find((s) => s.current)?.id, me?.session.id, 'the current one is this browser');

  const phoneId = (await whoami(phone))?.session.id;
  const revoke = await call(laptop, `/auth/sessions/${phoneId}`, {
    method: 'DELETE',
    headers: { origin: ORIGIN },
  });
  assert(revoke.status < 400, `DELETE /sessions/{id} answered ${revoke.status}`);
  equal(await whoami(phone), null, 'the revoked phone session');
  assert((await whoami(laptop)) !== null, 'the laptop is still signed in');
  const forged = await call(laptop, '/auth/logout?all', {
    method: 'POST',
    headers: { origin: 'https://evil.test' },
  });
  equal(forged.status, 403, 'a cross-site sign-out');
  const all = await call(laptop, '/auth/logout?all', {
    method: 'POST',
    headers: { origin: ORIGIN },
  });
  assert(all.status < 400, `POST /logout?all answered ${all.status}`);
  equal(await whoami(tablet), null, 'the tablet after signing out everywhere');
  equal(await whoami(laptop), null, 'the laptop after signing out everywhere');
  equal((await auth.getUserSessions(me!.user.id)).length, 0, 'no sessions left');
}

async function vaultSingleFlight(store: Store, doubleURL: string): Promise<void> {
  let offset = 0;
  const now = () => Date.now() + offset;
  let refreshes = 0;
  const counting: typeof fetch = (input, init) => {
    if (String(init?.body ?? '').includes('grant_type=refresh_token')) refreshes++;
    return fetch(input, init);
  };
  const app = createGitHubApp({
    clientId: 'Iv1.app',
    clientSecret: 'app-secret',
    baseURL: doubleURL,
    apiURL: doubleURL,
    now,
    fetch: counting,
  });
  const authorize = new URL('/login/oauth/authorize', doubleURL);
  authorize.searchParams.set('client_id', app.clientId);
  authorize.searchParams.set('redirect_uri', 'http://127.0.0.1:9/callback');
  authorize.searchParams.set('state', 'st');
  const redirect = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(redirect.headers.get('location') ?? 'http://x/').searchParams.get('code');
  assert(code, `the double gave a code (${redirect.status})`);
  const tokens = await app.exchangeWebCode(code, { redirectURI: 'http://127.0.0.1:9/callback' });
  assert(tokens.refreshToken, 'expiring tokens carry a refresh token');

  const auth = createLatchkey({ store, now });
  const account = { providerId: 'github', providerUserId: 'vault-1' };
  await auth.createUser({ attributes: {}, account });
  const vault = createTokenVault({
    auth,
    providers: [app],
    keys: [{ id: 'k1', key: generateTokenKey() }],
  });
  equal(await vault.saveTokens(account, tokens), true, 'tokens saved');
  equal(await vault.getAccessTokenForAccount(account), tokens.accessToken, 'fresh token as is');
  equal(refreshes, 0, 'no refresh while fresh');

  offset = 8 * HOUR;
  const results = await Promise.all(
    Array.from({ length: 20 }, () => vault.getAccessTokenForAccount(account)),
  );
  equal(refreshes, 1, 'refresh requests for 20 concurrent callers');
  equal(new Set(results).size, 1, 'every caller got the same token');
  assert(results[0] && results[0] !== tokens.accessToken, 'a new access token');
  equal((await vault.getTokens(account))?.accessToken, results[0], 'the new token is stored');
}
