// GitHub as the user, against the GitHub double: the web-flow exchange, app endpoints with
// Basic auth, the authenticated fetch (refresh before expiry, once after a 401), the Octokit
// strategy's hook contract, and the device flow with GitHub's HTTP-200 answers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createGitHubClient,
  createLatchkeyAuth,
  githubDeviceFlow,
  type OctokitEndpointLike,
  type OctokitRequestLike,
} from '../src/github/index.ts';
import { createLatchkey } from '../src/index.ts';
import { OAuthRequestError } from '../src/oauth/errors.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import {
  createTokenVault,
  generateTokenKey,
  ReauthorizationRequiredError,
  type ProviderTokens,
} from '../src/tokens/index.ts';
import { startGitHubWorld, type GitHubWorld } from './token-fixtures.ts';

const HOUR = 3_600_000;

describe('GitHub as the user', () => {
  let world: GitHubWorld;
  before(async () => {
    world = await startGitHubWorld();
  });
  after(async () => {
    await world.close();
  });

  const userRequests = () => world.double.stats.userRequests;

  it('exchanges a web code: expiring GitHub App tokens carry both expiries', async () => {
    const t = await world.signIn('ada');
    assert.match(t.accessToken, /^ghu_/);
    assert.match(t.refreshToken ?? '', /^ghr_/);
    const in8h = world.now() + 8 * HOUR;
    assert.ok(Math.abs(t.accessTokenExpiresAt!.getTime() - in8h) < 5_000);
    assert.ok(t.refreshTokenExpiresAt!.getTime() > world.now() + 180 * 24 * HOUR);
    const o = await world.signIn('ada', world.oauthApp);
    assert.match(o.accessToken, /^gho_/);
    assert.equal(o.refreshToken, null);
    assert.equal(o.accessTokenExpiresAt, null);
  });

  it('turns GitHub HTTP-200 error bodies into OAuthRequestError without leaking secrets', async () => {
    await assert.rejects(world.app.exchangeWebCode('nope', { redirectURI: 'x' }), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'bad_verification_code');
      assert.equal(e.status, 200);
      assert.ok(!JSON.stringify(e).includes('app-secret') && !e.message.includes('nope'));
      return true;
    });
    await assert.rejects(world.app.refreshAccessToken('ghr_dead'), { error: 'bad_refresh_token' });
  });

  it('checks, resets and deletes tokens and grants with the app credentials (Basic)', async () => {
    const t = await world.signIn('bob', world.oauthApp);
    const info = await world.oauthApp.checkToken(t.accessToken);
    assert.equal(info?.user?.login, 'bob');
    const last = world.double.requests.at(-1)!;
    assert.equal(last.path, '/applications/oauth-app/token');
    assert.equal(last.headers.authorization, 'Basic [redacted]');
    const reset = await world.oauthApp.resetToken(t.accessToken);
    assert.notEqual(reset, t.accessToken);
    assert.equal(world.double.isTokenActive(t.accessToken), false);
    assert.equal(world.double.isTokenActive(reset), true);
    assert.equal(await world.oauthApp.checkToken(t.accessToken), null);
    await world.oauthApp.revokeToken(reset);
    assert.equal(world.double.isTokenActive(reset), false);
    const a = await world.signIn('bob', world.oauthApp);
    await world.oauthApp.deleteGrant(a.accessToken);
    assert.equal(world.double.isTokenActive(a.accessToken), false);
  });

  it('acts as the user with a restored non-expiring token', async () => {
    const t = await world.signIn('cy', world.oauthApp);
    const gh = createGitHubClient({ tokens: { accessToken: t.accessToken }, app: world.oauthApp });
    const response = await gh.fetch('/user');
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { login: string }).login, 'cy');
    assert.equal(world.double.requests.at(-1)!.headers.authorization, 'Bearer [redacted]');
    // The token never goes to another origin.
    const before = world.double.requests.length;
    await assert.rejects(gh.fetch('https://evil.example/user'), TypeError);
    assert.equal(world.double.requests.length, before);
  });

  it('restores from a refresh token, refreshes manually and stores the rotation', async () => {
    const t = await world.signIn('dee');
    const saved: ProviderTokens[] = [];
    const gh = createGitHubClient({
      refreshToken: t.refreshToken!,
      app: world.app,
      now: world.now,
      onTokens: (tokens) => void saved.push(tokens),
    });
    const fresh = await gh.refresh();
    assert.equal(saved.length, 1);
    assert.equal(saved[0]!.refreshToken, fresh.refreshToken);
    assert.notEqual(fresh.refreshToken, t.refreshToken);
    await assert.rejects(world.app.refreshAccessToken(t.refreshToken!), {
      error: 'bad_refresh_token',
    });
    const response = await gh.fetch('/user');
    assert.equal(((await response.json()) as { login: string }).login, 'dee');
    assert.equal(saved.length, 1, 'no second refresh while fresh');
  });

  it('refreshes an expired token before the request, automatically', async () => {
    const t = await world.signIn('eve');
    const saved: ProviderTokens[] = [];
    const gh = createGitHubClient({
      tokens: t,
      app: world.app,
      now: world.now,
      onTokens: (x) => void saved.push(x),
    });
    world.advance(8 * HOUR);
    const before = world.double.stats.refreshes;
    const responses = await Promise.all([gh.fetch('/user'), gh.fetch('/user'), gh.fetch('/user')]);
    assert.deepEqual(
      responses.map((r) => r.status),
      [200, 200, 200],
    );
    assert.equal(world.double.stats.refreshes - before, 1);
    assert.equal(saved.length, 1);
  });

  it('after a 401 refreshes once and retries once; a dead grant ends in ReauthorizationRequired', async () => {
    const t = await world.signIn('ada');
    const gh = createGitHubClient({ tokens: t, app: world.app, now: world.now });
    world.double.failNext('user', { status: 401, body: { message: 'Bad credentials' } });
    let before = userRequests();
    const ok = await gh.fetch('/user');
    assert.equal(ok.status, 200);
    assert.equal(userRequests() - before, 2);
    // Deleting the token kills it and its refresh token: 401, one refresh attempt, no loop.
    const current = await gh.getAccessToken();
    await world.app.revokeToken(current);
    before = userRequests();
    const refreshes = world.double.stats.refreshes;
    await assert.rejects(gh.fetch('/user'), ReauthorizationRequiredError);
    assert.equal(userRequests() - before, 1);
    assert.equal(world.double.stats.refreshes - refreshes, 1);
    await assert.rejects(gh.fetch('/user'), ReauthorizationRequiredError);
    assert.equal(world.double.stats.refreshes - refreshes, 1);
  });

  it('uses the vault for tokens: one refresh for concurrent requests, persisted', async () => {
    const store = memoryStore();
    const vault = createTokenVault({
      store,
      providers: [world.app],
      keys: [{ id: 'k', key: generateTokenKey() }],
      now: world.now,
    });
    const account = { providerId: 'github', providerUserId: 'vault-user' };
    await createLatchkey({ store }).createUser({ attributes: {}, account });
    await vault.saveTokens(account, await world.signIn('bob'));
    const gh = createGitHubClient({ vault, account, apiURL: world.double.url });
    world.advance(8 * HOUR);
    const before = world.double.stats.refreshes;
    const statuses = await Promise.all(
      Array.from({ length: 10 }, async () => (await gh.fetch('/user')).status),
    );
    assert.deepEqual(new Set(statuses), new Set([200]));
    assert.equal(world.double.stats.refreshes - before, 1);
    assert.equal((await vault.getTokens(account))?.accessToken, await gh.getAccessToken());
    // 401 in vault mode: the vault refreshes once and the request is retried.
    world.double.failNext('user', { status: 401, body: { message: 'Bad credentials' } });
    assert.equal((await gh.fetch('/user')).status, 200);
    assert.equal(world.double.stats.refreshes - before, 2);
  });

  it('serves as an Octokit authStrategy: auth() and hook(request, route, params)', async () => {
    const t = await world.signIn('cy');
    const auth = createLatchkeyAuth({ tokens: t, app: world.app, now: world.now });
    const authentication = await auth();
    assert.equal(authentication.type, 'token');
    assert.equal(authentication.token, t.accessToken);
    // A tiny Octokit-like request: endpoint.merge + a function that throws on >= 400 like Octokit.
    const seen: string[] = [];
    const request = (async (endpoint: string | OctokitEndpointLike) => {
      const e = endpoint as OctokitEndpointLike & { method: string; url: string };
      seen.push(String(e.headers.authorization).split(' ')[0]!);
      const response = await fetch(world.double.url + e.url, {
        method: e.method,
        headers: { authorization: String(e.headers.authorization) },
      });
      if (response.status >= 400) {
        throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
      }
      return { status: response.status, data: await response.json() };
    }) as OctokitRequestLike;
    request.endpoint = {
      merge: (route, params) => {
        const [method, url] = String(route).split(' ');
        return { method, url, ...(params ?? {}), headers: {} } as OctokitEndpointLike;
      },
    };
    const result = (await auth.hook(request, 'GET /user', {})) as { data: { login: string } };
    assert.equal(result.data.login, 'cy');
    assert.deepEqual(seen, ['token']);
    world.double.failNext('user', { status: 401, body: { message: 'Bad credentials' } });
    const before = world.double.stats.refreshes;
    const retried = (await auth.hook(request, 'GET /user', {})) as { data: { login: string } };
    assert.equal(retried.data.login, 'cy');
    assert.equal(world.double.stats.refreshes - before, 1);
    assert.notEqual((await auth()).token, t.accessToken);
  });

  describe('device flow', () => {
    const flow = (sleeps: number[], onSleep: (n: number) => void) =>
      githubDeviceFlow({
        clientId: 'oauth-app',
        baseURL: world.double.url,
        now: world.now,
        onCode: (code) => {
          assert.match(code.userCode, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
          assert.ok(code.verificationURI.endsWith('/login/device'));
          codes.push(code.userCode);
        },
        sleep: async (ms) => {
          sleeps.push(ms);
          world.advance(ms);
          onSleep(sleeps.length);
        },
      });
    const codes: string[] = [];

    it('polls at the interval, adds 5 s on slow_down, and returns the tokens', async () => {
      const sleeps: number[] = [];
      const tokens = await flow(sleeps, (n) => {
        if (n === 1) world.double.failNext('token', { status: 200, body: { error: 'slow_down' } });
        if (n === 3) world.double.approveDevice(codes.at(-1)!, 'dee');
      });
      assert.deepEqual(sleeps, [5000, 10000, 10000]);
      assert.equal(world.double.isTokenActive(tokens.accessToken), true);
    });

    it('stops on access_denied and on expired_token (HTTP 200 answers)', async () => {
      await assert.rejects(
        flow([], (n) => {
          if (n === 2) world.double.denyDevice(codes.at(-1)!);
        }),
        { error: 'access_denied' },
      );
      const sleeps: number[] = [];
      await assert.rejects(
        flow(sleeps, (n) => {
          if (n === 1)
            world.double.failNext('token', { status: 200, body: { error: 'expired_token' } });
        }),
        { error: 'expired_token' },
      );
      assert.equal(sleeps.length, 1, 'no further polling');
    });
  });
});
