import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { kakao } from '../src/providers/kakao.ts';
import { kakaoPreset } from '../src/testing/presets/kakao.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import type { TestUser } from '../src/testing/preset.ts';

const clientId = 'kakao-rest-api-key-0123456789';
const clientSecret = 'kakao-client-secret-abcdef';
const publicId = 'kakao-public-rest-api-key';
const redirectURI = 'https://app.example/auth/kakao/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(kakaoPreset, {
    clients: [{ clientId, clientSecret }, { clientId: publicId }],
  });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof kakao>[0]> = {}) {
  return kakao({ clientId, clientSecret, issuer: double.url, apiURL: double.url, ...extra });
}

async function signIn(p: ReturnType<typeof provider>) {
  const request = await p.createAuthorizationURL({ redirectURI });
  const callbackURL = await double.authorize(request.url);
  return p.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
  });
}

const minji = {
  id: '3141592653',
  name: '민지',
  email: 'minji@kakao.example',
  emailVerified: true,
  avatarURL: 'https://k.kakaocdn.net/dn/minji/img_640x640.jpg',
} satisfies TestUser;

describe('kakao provider', () => {
  it('builds the authorization URL: Kakao scopes, PKCE S256, no nonce without OIDC', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.origin + request.url.pathname, `${double.url}/oauth/authorize`);
    assert.equal(q.get('scope'), 'profile_nickname profile_image account_email');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(request.nonce, null);
    const oidc = await provider({ openid: true }).createAuthorizationURL({ redirectURI });
    assert.equal(
      oidc.url.searchParams.get('scope'),
      'openid profile_nickname profile_image account_email',
    );
    assert.ok(oidc.nonce && oidc.url.searchParams.get('nonce') === oidc.nonce);
  });

  it('maps /v2/user/me: numeric id as a string, verified and valid email', async () => {
    double.signInAs(minji);
    const p = provider();
    const tokens = await signIn(p);
    assert.equal(tokens.tokenType, 'bearer');
    assert.ok(tokens.refreshTokenExpiresAt instanceof Date, 'refresh_token_expires_in is read');
    const token = double.requests.findLast((r) => r.path === '/oauth/token');
    assert.equal(token?.clientAuthentication, 'client_secret_post');
    const { profile, user } = await p.getUser(tokens);
    assert.deepEqual(profile, {
      providerUserId: '3141592653',
      email: 'minji@kakao.example',
      emailVerified: true,
      name: '민지',
      username: null,
      avatarURL: minji.avatarURL,
    });
    assert.equal(user.id, 3141592653);
  });

  it('an email is verified only when valid and verified, and only with account_email', async () => {
    const p = provider();
    const emailOf = async (user: TestUser, q = p) => {
      double.signInAs(user);
      return (await q.getUser(await signIn(q))).profile;
    };
    assert.equal((await emailOf({ ...minji, emailVerified: false })).email, null);
    const account = {
      email: 'mi***@kakao.example',
      is_email_valid: false,
      is_email_verified: true,
    };
    const taken = await emailOf({ ...minji, claims: { kakao_account: account } });
    assert.deepEqual([taken.email, taken.emailVerified], [null, false]);
    const noEmail = provider({ scopes: ['profile_nickname'] });
    assert.equal((await emailOf(minji, noEmail)).email, null);
    assert.equal((await emailOf({ ...minji, avatarURL: null })).avatarURL, null);
  });

  it('OIDC: validates the ID token and holds /v2/user/me to its sub', async () => {
    double.signInAs(minji);
    const p = provider({ openid: true });
    const tokens = await signIn(p);
    assert.equal(tokens.idTokenClaims?.sub, '3141592653');
    assert.equal(tokens.idTokenClaims?.email, 'minji@kakao.example');
    assert.equal((await p.getUser(tokens)).profile.providerUserId, '3141592653');
    double.signInAs({ ...minji, claims: { id: 2718281828 } });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
  });

  it('works without a client secret; refresh keeps the refresh token', async () => {
    double.signInAs(minji);
    const p = kakao({ clientId: publicId, issuer: double.url, apiURL: double.url });
    const tokens = await signIn(p);
    const token = double.requests.findLast((r) => r.path === '/oauth/token');
    assert.equal(token?.clientAuthentication, 'none');
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.equal(refreshed.refreshToken, null, 'not renewed: keep the stored one');
    assert.ok(refreshed.accessToken !== tokens.accessToken);
  });

  it('revokeToken is logout and unlink ends the connection; a dead token is a typed 401', async () => {
    double.signInAs(minji);
    const p = provider();
    const tokens = await signIn(p);
    await p.revokeToken(tokens.accessToken);
    assert.equal(double.requests.at(-1)?.path, '/v1/user/logout');
    assert.equal(double.isTokenActive(tokens.accessToken), false);
    await assert.rejects(p.getUser(tokens), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.status, 401);
      assert.ok(!JSON.stringify(e).includes(tokens.accessToken));
      return true;
    });
    await assert.rejects(p.revokeToken(tokens.accessToken), OAuthRequestError);
    const again = await signIn(p);
    await p.unlink(again.accessToken);
    assert.equal(double.requests.at(-1)?.path, '/v1/user/unlink');
    assert.equal(double.isTokenActive(again.accessToken), false);
  });

  it('refuses a malformed user and a non-https host', async () => {
    double.signInAs({ ...minji, claims: { id: '3141592653' } });
    const p = provider();
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
    double.signInAs({ ...minji, claims: { id: 2 ** 64 } });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
    assert.throws(() => kakao({ clientId, apiURL: 'http://kapi.kakao.com' }), TypeError);
  });
});
