// A failed sign-in can be diagnosed from the log: the provider, latchkey's reason code and what
// the provider said — never the authorization code, the state or a secret; the error page shows
// the short reason code.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLatchkey } from '../src/core/latchkey.ts';
import { createAuthHandler, type AuthHandler } from '../src/http/index.ts';
import type { OAuthProvider } from '../src/oauth/provider.ts';
import { github } from '../src/providers/github.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/index.ts';

const APP = 'https://app.example';
type Logged = { message: string; details: Record<string, string> };

describe('failed sign-ins are logged with a reason', () => {
  let double: GitHubDouble;
  const logged: Logged[] = [];

  const handlerWith = (clientSecret: string): AuthHandler => {
    const auth = createLatchkey({ store: memoryStore() });
    const provider = github({
      clientId: 'diag-client',
      clientSecret,
      endpoints: { web: double.url, api: double.url },
    }) as unknown as OAuthProvider;
    return createAuthHandler(auth, {
      providers: [provider],
      secret: 'diagnostics-secret-0123456789abcdef',
      origin: APP,
      rateLimit: false,
      logger: { error: (message, details) => logged.push({ message, details }) },
    });
  };

  /** Starts a sign-in; the flow cookie and the state it carries. */
  const start = async (handler: AuthHandler) => {
    const started = await handler.fetch(new Request(`${APP}/auth/github`));
    const cookie = started.headers.getSetCookie()[0]!.split(';')[0]!;
    const state = new URL(started.headers.get('location')!).searchParams.get('state')!;
    return { cookie, state, location: started.headers.get('location')! };
  };
  const callback = (handler: AuthHandler, query: string, cookie?: string) =>
    handler.fetch(
      new Request(`${APP}/auth/github/callback?${query}`, {
        headers: cookie ? { cookie } : {},
      }),
    );

  before(async () => {
    double = await startGitHubDouble();
    double.addApp({
      clientId: 'diag-client',
      clientSecret: 'diag-secret',
      kind: 'oauth-app',
      callbackURLs: [`${APP}/auth/github/callback`],
    });
    double.addUser({ login: 'octocat' });
  });
  after(() => double.close());

  it('a callback without its flow cookie says so', async () => {
    logged.length = 0;
    const handler = handlerWith('diag-secret');
    const { state } = await start(handler);
    const answer = await callback(handler, `code=secret-code&state=${state}`);
    assert.equal(answer.status, 400);
    assert.deepEqual(await answer.json(), { error: 'invalid_state' });
    assert.deepEqual(logged, [
      {
        message: 'latchkey: sign-in failed',
        details: { provider: 'github', reason: 'flow_cookie_missing' },
      },
    ]);
  });

  it('names a state mismatch, a flow cookie it cannot open and a replay apart', async () => {
    logged.length = 0;
    const handler = handlerWith('diag-secret');
    const { cookie, state } = await start(handler);
    await callback(handler, `code=c&state=not-${state}`, cookie);
    const [name] = cookie.split('=');
    await callback(handler, `code=c&state=${state}`, `${name}=garbage`);
    assert.deepEqual(
      logged.map((l) => l.details.reason),
      ['state_mismatch', 'flow_cookie_invalid'],
    );
  });

  it("logs the provider's error and description; the error page shows the reason code", async () => {
    logged.length = 0;
    const handler = handlerWith('diag-secret');
    const { cookie, state } = await start(handler);
    const answer = await callback(
      handler,
      `error=redirect_uri_mismatch&error_description=The+redirect_uri+MUST+match%0Aforged&state=${state}`,
      cookie,
    );
    assert.equal(answer.status, 302);
    const page = new URL(answer.headers.get('location')!);
    assert.equal(page.pathname + page.search, '/auth/error?error=oauth_error');
    const shown = await handler.fetch(new Request(page));
    assert.match(await shown.text(), /oauth_error/);
    assert.deepEqual(logged, [
      {
        message: 'latchkey: sign-in failed',
        details: {
          provider: 'github',
          reason: 'oauth_error',
          error: 'redirect_uri_mismatch',
          // The newline a crafted link could use to forge a log line is replaced.
          errorDescription: 'The redirect_uri MUST match?forged',
        },
      },
    ]);
  });

  it('logs a token request the provider refused, and a replayed callback, without the code', async () => {
    logged.length = 0;
    const handler = handlerWith('wrong-secret');
    const { cookie, location } = await start(handler);
    const atDouble = await fetch(location, { redirect: 'manual' });
    const back = new URL(atDouble.headers.get('location')!);
    const code = back.searchParams.get('code')!;
    const answer = await callback(handler, back.search.slice(1), cookie);
    assert.equal(answer.status, 302);
    assert.equal(
      new URL(answer.headers.get('location')!).searchParams.get('error'),
      'oauth_request',
    );
    await callback(handler, back.search.slice(1), cookie);
    assert.equal(logged.length, 2);
    assert.equal(logged[0]!.details.provider, 'github');
    assert.equal(logged[0]!.details.reason, 'oauth_request');
    assert.equal(logged[0]!.details.error, 'incorrect_client_credentials');
    assert.deepEqual(logged[1]!.details, { provider: 'github', reason: 'flow_already_used' });
    const text = JSON.stringify(logged);
    for (const secret of [code, back.searchParams.get('state')!, 'wrong-secret', cookie]) {
      assert.ok(!text.includes(secret), 'no code, state, secret or cookie in the log');
    }
  });
});
