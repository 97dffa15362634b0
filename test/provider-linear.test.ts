import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { linear } from '../src/providers/linear.ts';
import { linearPreset } from '../src/testing/presets/linear.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = 'lin_client_0a1b2c3d';
const clientSecret = 'lin_secret_4e5f6a7b';
const redirectURI = 'https://app.example/auth/linear/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(linearPreset, {
    clients: [{ clientId, clientSecret }, { clientId: 'lin_public' }],
  });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof linear>[0]> = {}) {
  return linear({ clientId, clientSecret, baseURL: double.url, apiURL: double.url, ...extra });
}

async function signIn(p: ReturnType<typeof provider>) {
  const request = await p.createAuthorizationURL({ redirectURI });
  const callbackURL = await double.authorize(request.url);
  return p.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: null,
  });
}

const grace = {
  id: '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901',
  name: 'Grace Hopper',
  username: 'grace',
  email: 'grace@example.com',
  emailVerified: true, // ignored: Linear documents no verification
  avatarURL: 'https://public.linear.example/avatars/grace.png',
};

describe('linear provider', () => {
  it('sends comma-separated scopes and PKCE S256', async () => {
    const p = provider({ scopes: ['read', 'write', 'issues:create'] });
    const request = await p.createAuthorizationURL({ redirectURI });
    assert.equal(request.url.href.split('?')[0], `${double.url}/oauth/authorize`);
    assert.equal(request.url.searchParams.get('scope'), 'read,write,issues:create');
    assert.equal(request.url.searchParams.get('code_challenge_method'), 'S256');
    const live = await linear({ clientId }).createAuthorizationURL({ redirectURI });
    assert.equal(live.url.origin + live.url.pathname, 'https://linear.app/oauth/authorize');
    assert.equal(live.url.searchParams.get('scope'), 'read');
  });

  it('reads an array `scope` as the granted scopes; secret in the body', async () => {
    double.signInAs(grace);
    const tokens = await signIn(provider({ scopes: ['read', 'write'] }));
    assert.deepEqual(tokens.scopes, ['read', 'write']);
    assert.equal(tokens.scopesReported, true);
    assert.ok(tokens.accessTokenExpiresAt, '24-hour access token');
    const exchange = double.requests.findLast((r) => r.path === '/oauth/token');
    assert.equal(exchange?.clientAuthentication, 'client_secret_post');
  });

  it('maps the GraphQL viewer; the email is never verified', async () => {
    double.signInAs(grace);
    const p = provider();
    const { profile, user } = await p.getUser(await signIn(p));
    assert.deepEqual(profile, {
      providerUserId: grace.id,
      email: null,
      emailVerified: false,
      name: 'Grace Hopper',
      username: 'grace',
      avatarURL: grace.avatarURL,
    });
    assert.equal(user.email, 'grace@example.com');
    const call = double.requests.at(-1)!;
    assert.equal(call.method, 'POST');
    assert.equal(call.path, '/graphql');
    assert.equal(call.headers['content-type'], 'application/json');
  });

  it('refresh rotates; revocation ends the grant', async () => {
    double.signInAs(grace);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    assert.deepEqual(refreshed.scopes, ['read']);
    await assert.rejects(
      p.refreshAccessToken(tokens.refreshToken!),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'invalid_grant',
    );
    await p.revokeToken(refreshed.refreshToken!);
    assert.equal(double.requests.at(-1)?.path, '/oauth/revoke');
    assert.equal(double.isTokenActive(refreshed.accessToken), false);
  });

  it('a public client uses PKCE alone', async () => {
    double.signInAs(grace);
    const p = linear({ clientId: 'lin_public', baseURL: double.url, apiURL: double.url });
    const tokens = await signIn(p);
    const exchange = double.requests.findLast((r) => r.path === '/oauth/token');
    assert.equal(exchange?.clientAuthentication, 'none');
    assert.ok(tokens.refreshToken);
  });

  it('GraphQL and auth errors are typed and carry no token', async () => {
    double.signInAs(grace);
    const p = provider();
    const tokens = await signIn(p);
    double.failNext('userinfo', { status: 200, body: { errors: [{ message: 'boom' }] } });
    await assert.rejects(
      p.getUser(tokens),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'graphql_error',
    );
    await p.revokeToken(tokens.accessToken);
    await assert.rejects(p.getUser(tokens), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.status, 401);
      assert.ok(!JSON.stringify(e).includes(tokens.accessToken));
      return true;
    });
    double.signInAs({ ...grace, id: 'not-a-uuid' });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
  });
});
