// The generic oauth2() provider with explicit endpoints and a profile mapper, against the real
// oidc-provider used as a plain OAuth 2.0 server.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { OAuthCallbackError } from '../src/oauth/index.ts';
import { oauth2 } from '../src/providers/index.ts';
import { authorize, startIdP, type TestIdP } from './oauth-fixtures.ts';

let idp: TestIdP;
before(async () => {
  idp = await startIdP();
});
after(() => idp.close());

function make(issuer?: string) {
  return oauth2({
    id: 'plain',
    name: 'Plain',
    authorizationEndpoint: `${idp.issuer}/auth`,
    tokenEndpoint: `${idp.issuer}/token`,
    userInfoEndpoint: `${idp.issuer}/me`,
    revocationEndpoint: `${idp.issuer}/token/revocation`,
    ...(issuer ? { issuer, issParameterSupported: true } : {}),
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    scopes: ['openid', 'email'],
    async mapProfile(_tokens, fetchJSON) {
      const info = (await fetchJSON()) as { sub: string; email?: string };
      return {
        profile: {
          providerUserId: info.sub,
          email: null,
          emailVerified: false,
          name: null,
          username: null,
          avatarURL: null,
        },
        user: info,
      };
    },
  });
}

test('oauth2(): code + PKCE, mapProfile over fetchJSON, refresh, revoke', async () => {
  const provider = make(idp.issuer);
  assert.equal(provider.issuer, idp.issuer);
  idp.loginAs('carol');
  const request = await provider.createAuthorizationURL({ redirectURI: idp.redirectURI });
  assert.equal(request.nonce, null);
  const callbackURL = await authorize(request.url, idp.redirectURI);
  const tokens = await provider.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI: idp.redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: null,
  });
  const { profile, user } = await provider.getUser(tokens);
  assert.equal(profile.providerUserId, 'carol');
  assert.equal(user.email, 'carol@example.com');
  const refreshed = await provider.refreshAccessToken(tokens.refreshToken!);
  assert.ok(refreshed.accessToken);
  await provider.revokeToken(refreshed.accessToken);
});

test('oauth2() without an issuer: account issuer is "", any iss on the callback is refused', async () => {
  const provider = make();
  assert.equal(provider.issuer, '');
  const request = await provider.createAuthorizationURL({ redirectURI: idp.redirectURI });
  const callbackURL = await authorize(request.url, idp.redirectURI); // oidc-provider adds iss
  const before = idp.tokenRequests();
  await assert.rejects(
    provider.validateAuthorizationCode({
      callbackURL,
      expectedState: request.state,
      redirectURI: idp.redirectURI,
      codeVerifier: request.codeVerifier,
      nonce: null,
    }),
    (e) => e instanceof OAuthCallbackError && e.reason === 'iss_mismatch',
  );
  assert.equal(idp.tokenRequests(), before);
});

test('oauth2() configuration checks', () => {
  const base = {
    id: 'x',
    name: 'X',
    authorizationEndpoint: 'https://a.example/auth',
    tokenEndpoint: 'https://a.example/token',
    clientId: 'c',
    mapProfile: async () => ({ profile: null as never, user: null }),
  };
  assert.doesNotThrow(() => oauth2(base));
  assert.throws(() => oauth2({ ...base, tokenEndpoint: 'http://a.example/token' }), TypeError);
  assert.throws(() => oauth2({ ...base, id: 'Bad Id' }), TypeError);
  assert.throws(() => oauth2({ ...base, clientAuthMethod: 'client_secret_basic' }), TypeError);
});
