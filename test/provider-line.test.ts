import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, generateKeyPair, SignJWT } from 'jose';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { line } from '../src/providers/line.ts';
import { linePreset } from '../src/testing/presets/line.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import type { TestUser } from '../src/testing/preset.ts';

const clientId = '1656789012';
const clientSecret = 'line-channel-secret-0123456789abcdef';
const redirectURI = 'https://app.example/auth/line/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(linePreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

/** A fetch that lets a test rewrite the token endpoint's JSON answer. */
function tokenRewriter(edit: (body: Record<string, unknown>) => Promise<void>): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (!String(input).endsWith('/oauth2/v2.1/token') || !response.ok) return response;
    const body = (await response.json()) as Record<string, unknown>;
    await edit(body);
    return Response.json(body, { status: response.status });
  };
}

function provider(extra: Partial<Parameters<typeof line>[0]> = {}) {
  return line({ clientId, clientSecret, issuer: double.url, apiURL: double.url, ...extra });
}

async function signIn(p: ReturnType<typeof provider>, nonce?: string) {
  const request = await p.createAuthorizationURL({ redirectURI });
  const callbackURL = await double.authorize(request.url);
  return p.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: nonce ?? request.nonce,
  });
}

const taro = {
  id: 'U4af4980629a1b2c3d4e5f60718293a4b',
  name: 'Taro',
  email: 'taro@line.example',
  emailVerified: true,
  avatarURL: 'https://profile.line-scdn.net/0h-taro',
} satisfies TestUser;

describe('line provider', () => {
  it('builds the authorization URL: openid profile email, PKCE S256, nonce', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.origin + request.url.pathname, `${double.url}/oauth2/v2.1/authorize`);
    assert.equal(q.get('scope'), 'openid profile email');
    assert.equal(q.get('client_id'), clientId);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok(request.nonce && q.get('nonce') === request.nonce);
  });

  it('verifies the HS256 ID token and merges /v2/profile; the email is never verified', async () => {
    double.signInAs(taro);
    const p = provider();
    const tokens = await signIn(p);
    assert.equal(tokens.idTokenClaims?.sub, taro.id);
    assert.equal(decodeJwt(tokens.idToken!).email, 'taro@line.example');
    const token = double.requests.findLast((r) => r.path === '/oauth2/v2.1/token');
    assert.equal(token?.clientAuthentication, 'client_secret_post');
    const { profile, user } = await p.getUser(tokens);
    assert.deepEqual(profile, {
      providerUserId: taro.id,
      email: null,
      emailVerified: false,
      name: 'Taro',
      username: null,
      avatarURL: 'https://profile.line-scdn.net/0h-taro',
    });
    assert.equal(user.email, 'taro@line.example', 'kept on the user, not trusted');
    assert.equal(user.statusMessage, 'hello');
    assert.equal(double.requests.at(-1)?.path, '/v2/profile');
  });

  it('without the profile scope: ID token only, no /v2/profile call', async () => {
    double.signInAs(taro);
    const p = provider({ scopes: ['openid'] });
    const tokens = await signIn(p);
    const before = double.requests.length;
    const { profile } = await p.getUser(tokens);
    assert.equal(double.requests.length, before);
    assert.deepEqual(profile, {
      providerUserId: taro.id,
      email: null,
      emailVerified: false,
      name: null,
      username: null,
      avatarURL: null,
    });
  });

  it('refuses an ID token signed with another secret, with another alg, or another nonce', async () => {
    double.signInAs(taro);
    const resign = (key: CryptoKey | Uint8Array, alg: string) =>
      tokenRewriter(async (body) => {
        const claims = decodeJwt(String(body.id_token));
        body.id_token = await new SignJWT(claims).setProtectedHeader({ alg }).sign(key);
      });
    const forged = provider({ fetch: resign(new TextEncoder().encode('not-the-secret'), 'HS256') });
    await assert.rejects(
      signIn(forged),
      (e: unknown) =>
        e instanceof OAuthResponseError && e.reason === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    );
    const { privateKey } = await generateKeyPair('RS256');
    await assert.rejects(
      signIn(provider({ fetch: resign(privateKey, 'RS256') })),
      OAuthResponseError,
    );
    await assert.rejects(signIn(provider(), 'another-nonce'), OAuthResponseError);
  });

  it('refuses a /v2/profile answer for another user', async () => {
    double.signInAs({ ...taro, claims: { sub: 'U00000000000000000000000000000000' } });
    const p = provider();
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
    double.signInAs({ ...taro, id: 'not-a-line-id' });
    const q = provider({ scopes: ['openid'] });
    await assert.rejects(q.getUser(await signIn(q)), OAuthResponseError);
  });

  it('refreshes (no rotation, no ID token) and revokes with access_token', async () => {
    double.signInAs(taro);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    // No rotation in the double (LINE's docs do not say): the vault keeps the old refresh token.
    assert.equal(refreshed.refreshToken, null);
    assert.ok(refreshed.accessToken !== tokens.accessToken);
    assert.equal(refreshed.idToken, null);
    await p.revokeToken(refreshed.accessToken);
    assert.equal(double.requests.at(-1)?.path, '/oauth2/v2.1/revoke');
    assert.equal(double.isTokenActive(refreshed.accessToken), false);
    // A refresh answer has no ID token: getUser needs the sign-in's, the profile call fails.
    await assert.rejects(p.getUser(refreshed), OAuthResponseError);
    await assert.rejects(
      p.getUser({ ...tokens, accessToken: refreshed.accessToken }),
      (e: unknown) => {
        assert.ok(e instanceof OAuthRequestError);
        assert.equal(e.status, 401);
        assert.ok(!JSON.stringify(e).includes(refreshed.accessToken));
        return true;
      },
    );
    const wrong = line({ clientId, clientSecret: 'wrong', issuer: double.url, apiURL: double.url });
    await assert.rejects(wrong.revokeToken('x'), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError && e.error === 'invalid_client');
      assert.ok(!JSON.stringify(e).includes('wrong'));
      return true;
    });
  });

  it('needs the channel secret and https endpoints', () => {
    assert.throws(() => line({ clientId } as Parameters<typeof line>[0]), TypeError);
    assert.throws(() => line({ clientId, clientSecret, apiURL: 'http://api.line.me' }), TypeError);
  });
});
