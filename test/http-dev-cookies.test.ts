// Development mode on localhost: the insecure cookies carry the app's port in their name, so
// another local server (another port, same host: browsers share cookies across ports) neither
// has its session cookie read here nor gets a flow cookie it planted accepted at our callback.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLatchkey } from '../src/core/latchkey.ts';
import { createAuthHandler, type AuthHandler } from '../src/http/index.ts';
import type { OAuthProvider } from '../src/oauth/provider.ts';
import { github } from '../src/providers/github.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/index.ts';

const APP = 'http://localhost:3000';
const OTHER = 'http://localhost:3001';

describe('insecure-localhost cookies are separated by port', () => {
  let double: GitHubDouble;
  const handlers = new Map<string, AuthHandler>();

  before(async () => {
    double = await startGitHubDouble();
    double.addApp({
      clientId: 'dev-client',
      clientSecret: 'dev-secret',
      kind: 'oauth-app',
      callbackURLs: [`${APP}/auth/github/callback`, `${OTHER}/auth/github/callback`],
    });
    double.addUser({ login: 'octocat' });
    for (const origin of [APP, OTHER]) {
      const auth = createLatchkey({ store: memoryStore(), cookie: { insecureLocalhost: true } });
      const provider = github({
        clientId: 'dev-client',
        clientSecret: 'dev-secret',
        endpoints: { web: double.url, api: double.url },
      }) as unknown as OAuthProvider;
      // Both apps share one secret, as two copies of a dev setup would.
      const secret = 'dev-secret-0123456789-abcdefghijklmnop';
      handlers.set(origin, createAuthHandler(auth, { providers: [provider], secret, origin }));
    }
  });
  after(() => double.close());

  /** Starts a sign-in at `origin`; returns the flow cookie pair and the callback URL. */
  async function start(origin: string): Promise<{ flow: string; callback: string }> {
    const answer = await handlers.get(origin)!.fetch(new Request(`${origin}/auth/github`), {
      clientAddress: '127.0.0.1',
    });
    assert.equal(answer.status, 302);
    const flow = answer.headers.getSetCookie()[0]!.split(';')[0]!;
    const atDouble = await fetch(answer.headers.get('location')!, { redirect: 'manual' });
    return { flow, callback: atDouble.headers.get('location')! };
  }

  it('names the flow and session cookies with the port, and signs in', async () => {
    const { flow, callback } = await start(APP);
    assert.match(flow, /^latchkey_flow_3000=/);
    const done = await handlers
      .get(APP)!
      .fetch(new Request(callback, { headers: { cookie: flow } }), {
        clientAddress: '127.0.0.1',
      });
    assert.equal(done.status, 302);
    const setCookies = done.headers.getSetCookie();
    assert.ok(
      setCookies.some((c) => c.startsWith('latchkey_session_3000=lks_')),
      String(setCookies),
    );
    assert.ok(setCookies.every((c) => !/Secure/.test(c)));
  });

  it('a flow cookie planted by the app on port 3001 is not accepted at the callback on 3000', async () => {
    // The other server's own, valid flow cookie (same secret) with its state and code, at our
    // callback: were the names alike, this would sign the browser in here (login CSRF).
    const theirs = await start(OTHER);
    assert.match(theirs.flow, /^latchkey_flow_3001=/);
    const ours = await start(APP);
    const callback = new URL(ours.callback);
    callback.searchParams.set('state', new URL(theirs.callback).searchParams.get('state')!);
    callback.searchParams.set('code', new URL(theirs.callback).searchParams.get('code')!);
    const answer = await handlers
      .get(APP)!
      .fetch(new Request(callback, { headers: { cookie: theirs.flow } }), {
        clientAddress: '127.0.0.1',
      });
    assert.equal(answer.status, 400);
    assert.ok(
      answer.headers.getSetCookie().every((c) => !c.startsWith('latchkey_session')),
      'no session',
    );
  });

  it('the session cookie of the app on port 3001 is not read on port 3000', async () => {
    const { flow, callback } = await start(OTHER);
    const done = await handlers
      .get(OTHER)!
      .fetch(new Request(callback, { headers: { cookie: flow } }), { clientAddress: '127.0.0.1' });
    const session = done.headers
      .getSetCookie()
      .find((c) => c.startsWith('latchkey_session_3001='))!;
    const cookie = session.split(';')[0]!;
    const there = await handlers
      .get(OTHER)!
      .fetch(new Request(`${OTHER}/auth/session`, { headers: { cookie } }));
    assert.equal(there.status, 200);
    const here = await handlers
      .get(APP)!
      .fetch(new Request(`${APP}/auth/session`, { headers: { cookie } }));
    assert.equal(here.status, 401);
  });
});
