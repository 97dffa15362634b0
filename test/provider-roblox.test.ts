import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { roblox } from '../src/providers/roblox.ts';
import { robloxPreset } from '../src/testing/presets/roblox.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import type { TestUser } from '../src/testing/preset.ts';

const clientId = '840974200211308101';
const clientSecret = 'RBX-roblox-client-secret';
const redirectURI = 'https://app.example/auth/roblox/callback';

let double: ProviderDouble;
let issuer: string;
before(async () => {
  double = await startProviderDouble(robloxPreset, {
    clients: [{ clientId, clientSecret }, { clientId: 'public-app' }],
  });
  issuer = `${double.url}/oauth/`;
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof roblox>[0]> = {}) {
  return roblox({ clientId, clientSecret, issuer, ...extra });
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

const builder = {
  id: '1516563360',
  username: 'builderman',
  name: 'Builder',
  avatarURL: 'https://tr.rbxcdn.com/03dc2a9abe7b1aacaaf93ea46d5c0646/150/150/AvatarHeadshot/Png',
  email: 'builder@roblox.example',
  emailVerified: true,
} satisfies TestUser;

describe('roblox provider', () => {
  it('defaults: the trailing-slash issuer, openid profile, PKCE S256, nonce', async () => {
    assert.equal(roblox({ clientId }).issuer, 'https://apis.roblox.com/oauth/');
    const p = provider();
    assert.equal(p.issuer, issuer);
    const request = await p.createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.origin + request.url.pathname, `${double.url}/oauth/v1/authorize`);
    assert.equal(q.get('scope'), 'openid profile');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok(request.nonce && q.get('nonce') === request.nonce);
  });

  it('validates the ID token (iss with its slash) and maps userinfo; no email by default', async () => {
    double.signInAs(builder);
    const p = provider();
    const tokens = await signIn(p);
    assert.equal(tokens.idTokenClaims?.iss, issuer);
    const { profile, user } = await p.getUser(tokens);
    assert.equal(double.requests.at(-1)?.path, '/oauth/v1/userinfo');
    assert.deepEqual(profile, {
      providerUserId: '1516563360',
      email: null,
      emailVerified: false,
      name: 'Builder',
      username: 'builderman',
      avatarURL: builder.avatarURL,
    });
    assert.equal(user.profile, 'https://www.roblox.com/users/1516563360/profile');
    double.signInAs({ ...builder, avatarURL: null });
    const picture = await p.getUser(await signIn(p));
    assert.equal(picture.profile.avatarURL, null, 'a null picture (not generated, moderated)');
  });

  it('an email counts only with the email scope and email_verified', async () => {
    const withEmail = provider({ scopes: ['openid', 'profile', 'email'] });
    double.signInAs(builder);
    assert.equal((await withEmail.getUser(await signIn(withEmail))).profile.email, builder.email);
    double.signInAs({ ...builder, emailVerified: false });
    assert.equal((await withEmail.getUser(await signIn(withEmail))).profile.email, null);
  });

  it('refuses an ID token from another issuer or an algorithm discovery does not list', async () => {
    double.signInAs(builder);
    double.setIDTokenIssuer((origin) => `${origin}/oauth`);
    try {
      await assert.rejects(signIn(provider()), OAuthResponseError);
    } finally {
      double.setIDTokenIssuer(null);
    }
    // A double signing RS256 while its discovery lists only ES256, as Roblox's does.
    await using rs256 = await startProviderDouble(
      { ...robloxPreset, idTokenAlg: 'RS256' },
      {
        clients: [{ clientId, clientSecret }],
        users: [builder],
        metadata: { id_token_signing_alg_values_supported: ['ES256'] },
      },
    );
    const pinned = roblox({ clientId, clientSecret, issuer: `${rs256.url}/oauth/` });
    const request = await pinned.createAuthorizationURL({ redirectURI });
    const callbackURL = await rs256.authorize(request.url);
    const options = { callbackURL, expectedState: request.state, redirectURI };
    await assert.rejects(
      pinned.validateAuthorizationCode({
        ...options,
        codeVerifier: request.codeVerifier,
        nonce: request.nonce,
      }),
      OAuthResponseError,
    );
  });

  it('refresh rotates (single use) with a new ID token; revocation ends the session', async () => {
    double.signInAs(builder);
    const p = provider();
    const tokens = await signIn(p);
    const header = JSON.parse(Buffer.from(tokens.idToken!.split('.')[0]!, 'base64url').toString());
    assert.equal(header.alg, 'ES256', 'Roblox signs ID tokens with ES256');
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    assert.equal(refreshed.idTokenClaims?.sub, builder.id);
    await assert.rejects(
      p.refreshAccessToken(tokens.refreshToken!),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'invalid_grant',
    );
    await p.revokeToken(refreshed.refreshToken);
    assert.equal(double.requests.at(-1)?.path, '/oauth/v1/token/revoke');
    await assert.rejects(p.refreshAccessToken(refreshed.refreshToken), OAuthRequestError);
    await assert.rejects(p.getUser(refreshed), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError && e.status === 401);
      assert.ok(!JSON.stringify(e).includes(refreshed.accessToken));
      return true;
    });
  });

  it('works as a public client; refuses a non-https issuer', async () => {
    double.signInAs(builder);
    const p = roblox({ clientId: 'public-app', issuer });
    assert.equal((await signIn(p)).idTokenClaims?.sub, builder.id);
    assert.equal(
      double.requests.findLast((r) => r.path === '/oauth/v1/token')?.clientAuthentication,
      'none',
    );
    assert.throws(() => roblox({ clientId, issuer: 'http://apis.roblox.com/oauth/' }), TypeError);
  });
});
