// The GitHub provider against the GitHub double: OAuth Apps, GitHub Apps with expiring tokens,
// GHES URLs, HTTP-200 errors, /user and /user/emails mapping, revocation.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { OAuthRequestError } from '../src/oauth/index.ts';
import { github, type GitHubConfig, type GitHubProvider } from '../src/providers/index.ts';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/index.ts';

const REDIRECT = 'http://127.0.0.1:9/login/github/callback';
let gh: GitHubDouble;

before(async () => {
  gh = await startGitHubDouble();
  gh.addApp({
    clientId: 'oauth-app',
    clientSecret: 'oauth-app-secret-123',
    kind: 'oauth-app',
    callbackURLs: [REDIRECT],
  });
  gh.addApp({
    clientId: 'gh-app',
    clientSecret: 'gh-app-secret-456',
    kind: 'github-app',
    expiringTokens: true,
    callbackURLs: [REDIRECT],
  });
  gh.addUser({
    login: 'octocat',
    id: 583231,
    name: 'The Octocat',
    publicEmail: null,
    emails: [
      { email: 'work@example.com', primary: false, verified: true },
      { email: 'octo@example.com', primary: true, verified: true },
      { email: 'old@example.com', primary: false, verified: false },
    ],
  });
  gh.addUser({
    login: 'unverified',
    id: 7,
    emails: [{ email: 'u@example.com', primary: true, verified: false }],
  });
  gh.addUser({ login: 'public', id: 8, publicEmail: 'pub@example.com' });
});
after(() => gh.close());

function provider(clientId = 'oauth-app', extra: Partial<GitHubConfig> = {}): GitHubProvider {
  const clientSecret = clientId === 'oauth-app' ? 'oauth-app-secret-123' : 'gh-app-secret-456';
  return github({ clientId, clientSecret, endpoints: { web: gh.url, api: gh.url }, ...extra });
}

/** Runs the browser leg against the double and returns the callback URL. */
async function browse(url: URL, login = 'octocat'): Promise<URL> {
  gh.approveAs(login);
  const response = await fetch(url, { redirect: 'manual' });
  assert.equal(response.status, 302);
  return new URL(response.headers.get('location')!);
}

async function signIn(p: GitHubProvider, login = 'octocat', scopes?: string[]) {
  const request = await p.createAuthorizationURL({
    redirectURI: REDIRECT,
    ...(scopes ? { scopes } : {}),
  });
  const callbackURL = await browse(request.url, login);
  return p.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI: REDIRECT,
    codeVerifier: request.codeVerifier,
    nonce: null,
  });
}

describe('GitHub provider', () => {
  test('OAuth App: PKCE S256, Accept: application/json, comma scopes, numeric id as string', async () => {
    const p = provider();
    const request = await p.createAuthorizationURL({ redirectURI: REDIRECT });
    assert.equal(request.url.origin + request.url.pathname, `${gh.url}/login/oauth/authorize`);
    assert.equal(request.url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(request.url.searchParams.get('scope'), 'read:user user:email');
    assert.ok(request.state.length >= 22);
    assert.ok(
      !request.url.href.includes(request.codeVerifier!),
      'the verifier never goes in a URL',
    );
    const callbackURL = await browse(request.url);
    assert.equal(callbackURL.searchParams.get('iss'), `${gh.url}/login/oauth`);
    const tokens = await p.validateAuthorizationCode({
      callbackURL,
      expectedState: request.state,
      redirectURI: REDIRECT,
      codeVerifier: request.codeVerifier,
      nonce: null,
    });
    const tokenRequest = gh.requests.filter((r) => r.path === '/login/oauth/access_token').at(-1)!;
    assert.match(tokenRequest.headers.accept ?? '', /application\/json/);
    assert.equal(tokenRequest.query, '', 'no secret or verifier in the token request URL');
    assert.deepEqual(tokens.scopes, ['read:user', 'user:email']);
    assert.equal(tokens.accessTokenExpiresAt, null);
    assert.equal(tokens.refreshToken, null);
    const { profile, user } = await p.getUser(tokens);
    assert.equal(profile.providerUserId, '583231');
    assert.equal(typeof profile.providerUserId, 'string');
    assert.equal(user.id, 583231);
    assert.equal(user.email, null, 'private email stays null on /user');
    assert.equal(profile.email, 'octo@example.com', 'the primary verified address only');
    assert.equal(profile.emailVerified, true);
    assert.equal(profile.username, 'octocat');
    assert.equal(profile.name, 'The Octocat');
  });

  test('without the user:email scope the email is null (even with a public email)', async () => {
    const p = provider();
    const tokens = await signIn(p, 'public', ['read:user']);
    const { profile, user } = await p.getUser(tokens);
    assert.equal(user.email, 'pub@example.com');
    assert.equal(profile.email, null);
    assert.equal(profile.emailVerified, false);
  });

  test('an unverified primary email: GitHub refuses the token, typed', async () => {
    await assert.rejects(signIn(provider(), 'unverified'), (e) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'unverified_user_email');
      return true;
    });
  });

  test('an unverified primary in /user/emails is never taken', async () => {
    const p = provider();
    const tokens = await signIn(p);
    gh.failNext('emails', {
      status: 200,
      body: [
        { email: 'spoof@example.com', primary: true, verified: false },
        { email: 'other@example.com', primary: false, verified: true },
      ],
    });
    const { profile } = await p.getUser(tokens);
    assert.equal(profile.email, null);
    assert.equal(profile.emailVerified, false);
  });

  test('GitHub App: expiry from the Date header, refresh_token_expires_in, rotation kills old tokens', async () => {
    const p = provider('gh-app');
    const tokens = await signIn(p);
    const exchange = gh.requests.filter((r) => r.path === '/login/oauth/access_token').at(-1)!;
    assert.deepEqual(tokens.scopes, []);
    assert.ok(tokens.refreshToken);
    const date = Math.floor(exchange.time / 1000) * 1000; // the Date header has second precision
    assert.equal(tokens.accessTokenExpiresAt?.getTime(), date + 8 * 3600 * 1000);
    assert.equal(tokens.refreshTokenExpiresAt?.getTime(), date + 15897600 * 1000);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken);
    assert.notEqual(refreshed.accessToken, tokens.accessToken);
    assert.notEqual(refreshed.refreshToken, tokens.refreshToken);
    assert.equal(gh.isTokenActive(tokens.accessToken), false);
    assert.equal(gh.isTokenActive(refreshed.accessToken), true);
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken), (e) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'bad_refresh_token');
      assert.equal(e.status, 200);
      return true;
    });
    assert.equal((await p.getUser(refreshed)).profile.providerUserId, '583231');
  });

  test('each HTTP-200 token endpoint error is an OAuthRequestError without secrets', async () => {
    const p = provider();
    const request = await p.createAuthorizationURL({ redirectURI: REDIRECT });
    const callbackURL = await browse(request.url);
    const code = callbackURL.searchParams.get('code')!;
    const base = {
      callbackURL,
      expectedState: request.state,
      redirectURI: REDIRECT,
      codeVerifier: request.codeVerifier,
      nonce: null,
    };
    const cases: [string, () => Promise<unknown>][] = [
      [
        'incorrect_client_credentials',
        () =>
          provider('oauth-app', { clientSecret: 'wrong-secret-789' }).validateAuthorizationCode(
            base,
          ),
      ],
      [
        'redirect_uri_mismatch',
        () => p.validateAuthorizationCode({ ...base, redirectURI: 'http://127.0.0.1:9/other' }),
      ],
      [
        'bad_verification_code',
        () => p.validateAuthorizationCode({ ...base, codeVerifier: 'x'.repeat(43) }),
      ],
      ['bad_refresh_token', () => p.refreshAccessToken('not-a-refresh-token')],
    ];
    for (const [expected, run] of cases) {
      const error = await run().then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(error instanceof OAuthRequestError, expected);
      assert.equal(error.error, expected);
      assert.equal(error.status, 200);
      assert.equal(error.code, 'oauth_request');
      const dump =
        inspect(error, { depth: 10, showHidden: true }) + JSON.stringify(error) + error.message;
      for (const secret of [
        code,
        request.codeVerifier!,
        'oauth-app-secret-123',
        'wrong-secret-789',
      ]) {
        assert.ok(!dump.includes(secret), `${expected} leaks a secret`);
      }
    }
  });

  test('revocation: DELETE /applications/{client_id}/token with Basic auth', async () => {
    const p = provider();
    const tokens = await signIn(p);
    assert.equal(gh.isTokenActive(tokens.accessToken), true);
    await p.revokeToken(tokens.accessToken);
    const request = gh.requests.at(-1)!;
    assert.equal(request.method, 'DELETE');
    assert.equal(request.path, '/applications/oauth-app/token');
    assert.equal(request.headers.authorization, 'Basic [redacted]');
    assert.equal(gh.isTokenActive(tokens.accessToken), false);
    await assert.rejects(
      p.getUser(tokens),
      (e) => e instanceof OAuthRequestError && e.status === 401,
    );
    // Wrong app credentials are not silently taken for success.
    const wrong = provider('oauth-app', { clientSecret: 'nope-secret' });
    const other = await signIn(p);
    await assert.rejects(
      wrong.revokeToken(other.accessToken),
      (e) => e instanceof OAuthRequestError && e.status === 404,
    );
  });

  test('GitHub Enterprise Server: /login/oauth on the host, REST under /api/v3, issuer', async () => {
    const p = github({
      clientId: 'oauth-app',
      clientSecret: 'oauth-app-secret-123',
      enterpriseURL: gh.url,
    });
    assert.equal(p.issuer, `${gh.url}/login/oauth`);
    const tokens = await signIn(p);
    const before = gh.requests.length;
    const { profile } = await p.getUser(tokens);
    assert.equal(profile.providerUserId, '583231');
    const paths = gh.requests.slice(before).map((r) => r.path);
    assert.deepEqual(paths, ['/api/v3/user', '/api/v3/user/emails']);
  });

  test('github.com defaults and configuration checks', () => {
    const p = github({ clientId: 'a', clientSecret: 'b' });
    assert.equal(p.issuer, 'https://github.com/login/oauth');
    assert.equal(p.id, 'github');
    assert.equal(p.pkce, true);
    assert.equal(github({ clientId: 'a', clientSecret: 'b', pkce: false }).pkce, false);
    assert.throws(
      () => github({ clientId: 'a', clientSecret: 'b', enterpriseURL: 'http://ghe.example.com' }),
      TypeError,
    );
    assert.throws(() => github({ clientId: '', clientSecret: 'b' }), TypeError);
  });
});
