// OAuth Apps with expiring user tokens: GitHub issues an 8-hour token and a rotating refresh
// token when the app setting is on or the authorization asks for `offline_access`; without
// either, tokens never expire. Sign-in, `latchkey/github` and the token vault, against the double.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGitHubApp } from '../src/github/index.ts';
import { createLatchkey, type AccountKey } from '../src/index.ts';
import { OAuthRequestError } from '../src/oauth/errors.ts';
import type { OAuthTokens } from '../src/oauth/provider.ts';
import { github, type GitHubConfig, type GitHubProvider } from '../src/providers/github.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/github-double.ts';
import { createTokenVault, generateTokenKey } from '../src/tokens/index.ts';

const REDIRECT = 'http://127.0.0.1:9/login/github/callback';
const HOUR = 3_600_000;
const ACCESS_S = 28_800;
const REFRESH_S = 15_897_600;
let gh: GitHubDouble;
/** A token of the `neither` test, checked again after the clock moved on. */
let neverExpiring = '';
let offset = 0;
const now = (): number => Date.now() + offset;
const advance = (ms: number): void => {
  offset += ms;
  gh.advance(ms);
};

before(async () => {
  gh = await startGitHubDouble();
  // `setting`: the app setting is on. `plain`: an OAuth App as before, expiring only on request.
  gh.addApp({
    clientId: 'setting',
    clientSecret: 'setting-secret',
    kind: 'oauth-app',
    expiringTokens: true,
    callbackURLs: [REDIRECT],
  });
  gh.addApp({
    clientId: 'plain',
    clientSecret: 'plain-secret',
    kind: 'oauth-app',
    callbackURLs: [REDIRECT],
  });
  gh.addUser({ login: 'octocat', id: 583231 });
});
after(() => gh.close());

function provider(clientId: string, extra: Partial<GitHubConfig> = {}): GitHubProvider {
  const clientSecret = `${clientId}-secret`;
  return github({ clientId, clientSecret, endpoints: { web: gh.url, api: gh.url }, ...extra });
}

async function signIn(p: GitHubProvider, scopes?: string[]): Promise<OAuthTokens> {
  const request = await p.createAuthorizationURL({
    redirectURI: REDIRECT,
    ...(scopes ? { scopes } : {}),
  });
  gh.approveAs('octocat');
  const response = await fetch(request.url, { redirect: 'manual' });
  assert.equal(response.status, 302);
  return p.validateAuthorizationCode({
    callbackURL: new URL(response.headers.get('location')!),
    expectedState: request.state,
    redirectURI: REDIRECT,
    codeVerifier: request.codeVerifier,
    nonce: null,
  });
}

/** Asserts an 8-hour access token (`gho_`) and a ~6-month refresh token (`ghr_`). */
function assertExpiring(tokens: OAuthTokens, issuedAt: number): void {
  assert.match(tokens.accessToken, /^gho_[A-Za-z0-9]{36}$/);
  assert.match(tokens.refreshToken ?? '', /^ghr_[A-Za-z0-9]{76}$/);
  // Counted from the double's Date header (one-second resolution).
  const access = tokens.accessTokenExpiresAt!.getTime() - issuedAt;
  assert.ok(Math.abs(access - ACCESS_S * 1000) < 2000, `access lifetime ${access}`);
  const refresh = tokens.refreshTokenExpiresAt!.getTime() - issuedAt;
  assert.ok(Math.abs(refresh - REFRESH_S * 1000) < 2000, `refresh lifetime ${refresh}`);
}

describe('GitHub OAuth App with expiring tokens', () => {
  it('app setting: default scopes, an 8 h token and a refresh token', async () => {
    const t0 = now();
    const tokens = await signIn(provider('setting'));
    assertExpiring(tokens, t0);
    assert.deepEqual(tokens.scopes, ['read:user', 'user:email']);
    assert.equal(gh.isTokenActive(tokens.accessToken), true);
  });

  it('per request: offlineAccess adds offline_access to the scopes and the allow-list', async () => {
    const p = provider('plain', { offlineAccess: true });
    assert.deepEqual(p.defaultScopes, ['read:user', 'user:email', 'offline_access']);
    assert.deepEqual(p.allowedScopes, ['read:user', 'user:email', 'offline_access']);
    const request = await p.createAuthorizationURL({ redirectURI: REDIRECT });
    assert.equal(request.url.searchParams.get('scope'), 'read:user user:email offline_access');
    const t0 = now();
    const tokens = await signIn(p);
    assertExpiring(tokens, t0);
    assert.deepEqual(tokens.scopes, ['read:user', 'user:email', 'offline_access']);
    // offlineAccess keeps explicit scopes and allowed scopes, adding offline_access once.
    const q = provider('plain', {
      offlineAccess: true,
      scopes: ['read:user'],
      allowedScopes: ['read:user', 'repo', 'offline_access'],
    });
    assert.deepEqual(q.defaultScopes, ['read:user', 'offline_access']);
    assert.deepEqual(q.allowedScopes, ['read:user', 'repo', 'offline_access']);
  });

  it('per request: offline_access in configured scopes passes the allow-list and expires', async () => {
    const p = provider('plain', { scopes: ['read:user', 'user:email', 'offline_access'] });
    assert.ok(p.allowedScopes.includes('offline_access'));
    const t0 = now();
    assertExpiring(await signIn(p), t0);
  });

  it('neither: tokens never expire and carry no refresh token (as before)', async () => {
    const tokens = await signIn(provider('plain'));
    assert.match(tokens.accessToken, /^gho_/);
    assert.equal(tokens.accessTokenExpiresAt, null);
    assert.equal(tokens.refreshToken, null);
    assert.equal(tokens.refreshTokenExpiresAt, null);
    neverExpiring = tokens.accessToken;
  });

  it('refresh rotates both tokens; the new set expires again; old refresh token is dead', async () => {
    const p = provider('plain', { offlineAccess: true });
    const first = await signIn(p);
    const t1 = now();
    const second = await p.refreshAccessToken(first.refreshToken!);
    assertExpiring(second, t1);
    assert.notEqual(second.accessToken, first.accessToken);
    assert.notEqual(second.refreshToken, first.refreshToken);
    assert.equal(gh.isTokenActive(first.accessToken), false);
    assert.equal(gh.isTokenActive(second.accessToken), true);
    await assert.rejects(p.refreshAccessToken(first.refreshToken!), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'bad_refresh_token');
      return true;
    });
  });

  it('latchkey/github: exchangeWebCode and refreshAccessToken work for an OAuth App', async () => {
    const app = createGitHubApp({
      clientId: 'setting',
      clientSecret: 'setting-secret',
      baseURL: gh.url,
      apiURL: gh.url,
      now,
    });
    gh.approveAs('octocat');
    const url = new URL('/login/oauth/authorize', gh.url);
    url.searchParams.set('client_id', 'setting');
    url.searchParams.set('redirect_uri', REDIRECT);
    const response = await fetch(url, { redirect: 'manual' });
    const code = new URL(response.headers.get('location')!).searchParams.get('code')!;
    const t0 = now();
    const tokens = await app.exchangeWebCode(code, { redirectURI: REDIRECT });
    assertExpiring(tokens, t0);
    const t1 = now();
    const fresh = await app.refreshAccessToken(tokens.refreshToken!);
    assertExpiring(fresh, t1);
    const info = await app.checkToken(fresh.accessToken);
    assert.ok(info?.expiresAt, 'the check endpoint reports an expiry');
    await assert.rejects(app.refreshAccessToken(tokens.refreshToken!), {
      error: 'bad_refresh_token',
    });
  });

  it('the vault refreshes once for 30 concurrent callers after 8 h; rotation kills the old set', async () => {
    const store = memoryStore({ now });
    const auth = createLatchkey({ store });
    const p = provider('plain', { offlineAccess: true });
    // The vault refreshes through latchkey/github's client (it takes the test clock; the sign-in
    // provider has none): an OAuth App's refresh is the GitHub App's request.
    const app = createGitHubApp({
      clientId: 'plain',
      clientSecret: 'plain-secret',
      baseURL: gh.url,
      apiURL: gh.url,
      now,
    });
    const vault = createTokenVault({
      store,
      providers: [app],
      keys: [{ id: 'k1', key: generateTokenKey() }],
      now,
    });
    const account: AccountKey = { providerId: 'github', providerUserId: '583231' };
    const user = await auth.createUser({ attributes: {}, account });
    const tokens = await signIn(p);
    assert.equal(await vault.saveTokens(account, tokens), true);
    const refreshesBefore = gh.stats.refreshes;
    assert.equal(await vault.getAccessToken(user.id, 'github'), tokens.accessToken);
    assert.equal(gh.stats.refreshes, refreshesBefore, 'fresh: no refresh');

    advance(8 * HOUR);
    assert.equal(gh.isTokenActive(tokens.accessToken), false, 'expired after 8 h');
    const results = await Promise.all(
      Array.from({ length: 30 }, () => vault.getAccessTokenForAccount(account)),
    );
    assert.equal(gh.stats.refreshes - refreshesBefore, 1);
    assert.equal(new Set(results).size, 1);
    const fresh = results[0]!;
    assert.match(fresh, /^gho_/);
    assert.notEqual(fresh, tokens.accessToken);
    assert.equal(gh.isTokenActive(fresh), true);
    const stored = (await vault.getTokens(account))!;
    assert.equal(stored.accessToken, fresh);
    assert.notEqual(stored.refreshToken, tokens.refreshToken);
    assert.ok(stored.accessTokenExpiresAt!.getTime() > now() + 7 * HOUR);
    await assert.rejects(app.refreshAccessToken(tokens.refreshToken!), {
      error: 'bad_refresh_token',
    });
  });

  it('without the setting or offline_access a token still works 30 days later', () => {
    assert.ok(neverExpiring);
    advance(30 * 24 * HOUR);
    assert.equal(gh.isTokenActive(neverExpiring), true);
  });
});
