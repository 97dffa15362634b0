// The generic OIDC provider against a real OpenID Provider (oidc-provider 9) on 127.0.0.1:
// discovery, code + PKCE + nonce, ID token validation, userinfo, refresh rotation, revocation,
// and the Lucia v2 style providerAuth API over the memory store.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLatchkey } from '../src/index.ts';
import { MemoryStore } from '../src/stores/memory-store.ts';
import { OAuthRequestError, providerAuth } from '../src/oauth/index.ts';
import { oidc } from '../src/providers/index.ts';
import { authorize, countingFetch, startIdP, type TestIdP } from './oauth-fixtures.ts';

let idp: TestIdP;
before(async () => {
  idp = await startIdP();
});
after(() => idp.close());

function makeProvider(fetchFn?: typeof fetch) {
  return oidc({
    id: 'local',
    name: 'Local IdP',
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    scopes: ['openid', 'profile', 'email'],
    ...(fetchFn ? { fetch: fetchFn } : {}),
  });
}

describe('oidc() against oidc-provider', () => {
  test('code + PKCE + nonce flow, userinfo, refresh rotation, revocation', async () => {
    const recorder = countingFetch();
    const provider = makeProvider(recorder.fetch);
    idp.loginAs('alice');
    const request = await provider.createAuthorizationURL({
      redirectURI: idp.redirectURI,
      params: { prompt: 'login', login_hint: 'alice' },
    });
    const q = request.url.searchParams;
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(q.get('nonce'), request.nonce);
    assert.equal(q.get('login_hint'), 'alice');
    assert.equal(q.get('scope'), 'openid profile email');
    const callbackURL = await authorize(request.url, idp.redirectURI);
    assert.equal(callbackURL.searchParams.get('iss'), idp.issuer);
    const tokens = await provider.validateAuthorizationCode({
      callbackURL,
      expectedState: request.state,
      redirectURI: idp.redirectURI,
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
    });
    assert.equal(tokens.idTokenClaims?.sub, 'alice');
    assert.equal(tokens.idTokenClaims?.nonce, request.nonce);
    assert.ok(tokens.accessTokenExpiresAt! > new Date());
    assert.ok(tokens.refreshToken);
    const { profile, user } = await provider.getUser(tokens);
    assert.deepEqual(
      { ...profile },
      {
        providerUserId: 'alice',
        email: 'alice@example.com',
        emailVerified: true,
        name: 'ALICE',
        username: 'alice',
        avatarURL: null,
      },
    );
    assert.equal(user.sub, 'alice');
    // The verifier travelled only in the token request body, never in a URL.
    for (const call of recorder.calls) assert.ok(!call.url.includes(request.codeVerifier!));
    assert.ok(recorder.calls.some((c) => c.body.includes(request.codeVerifier!)));

    const refreshed = await provider.refreshAccessToken(tokens.refreshToken);
    assert.notEqual(refreshed.refreshToken, tokens.refreshToken, 'rotateRefreshToken');
    assert.equal(refreshed.idTokenClaims?.sub, 'alice');
    await assert.rejects(provider.refreshAccessToken(tokens.refreshToken), (e) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_grant');
      assert.equal(e.status, 400);
      return true;
    });
    await provider.revokeToken(refreshed.accessToken);
    await assert.rejects(
      provider.getUser(refreshed),
      (e) => e instanceof OAuthRequestError && e.status === 401,
    );
  });

  test('an unverified email is not given as the profile email', async () => {
    const provider = makeProvider();
    idp.loginAs('mallory');
    const request = await provider.createAuthorizationURL({ redirectURI: idp.redirectURI });
    const callbackURL = await authorize(request.url, idp.redirectURI);
    const tokens = await provider.validateAuthorizationCode({
      callbackURL,
      expectedState: request.state,
      redirectURI: idp.redirectURI,
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
    });
    const { profile, user } = await provider.getUser(tokens);
    assert.equal(user.email, 'mallory@example.com');
    assert.equal(profile.email, null);
    assert.equal(profile.emailVerified, false);
  });

  test('providerAuth: first sign-in creates user + account atomically, the second finds it', async () => {
    const store = new MemoryStore();
    const auth = createLatchkey<{ username: string }>({ store });
    const flow = providerAuth(auth, makeProvider(), { redirectURI: idp.redirectURI });
    idp.loginAs('bob');
    const run = async () => {
      const [url, state, codeVerifier, nonce] = await flow.getAuthorizationUrl();
      const callbackURL = await authorize(url, idp.redirectURI);
      return flow.validateCallback(callbackURL.searchParams.get('code')!, {
        state: callbackURL.searchParams.get('state'),
        iss: callbackURL.searchParams.get('iss'),
        expectedState: state,
        codeVerifier,
        nonce,
      });
    };
    const first = await run();
    assert.equal(first.existingUser, null);
    assert.deepEqual(first.account, {
      providerId: 'local',
      issuer: idp.issuer,
      providerUserId: 'bob',
    });
    assert.equal(first.localUser, first.providerUser, '`${id}User` aliases providerUser');
    const { user, session, token } = await first.createUser({
      attributes: { username: String(first.providerUser.preferred_username) },
      sessionAttributes: {},
    });
    assert.equal(user.attributes.username, 'bob');
    assert.equal((await auth.validateSession(token))?.session.id, session.id);
    const second = await run();
    assert.equal(second.existingUser?.id, user.id);
    assert.equal((await second.getExistingUser())?.id, user.id);
    await assert.rejects(
      second.createUser({ attributes: { username: 'dup' } }),
      (e: Error & { code?: string }) => e.code === 'account_exists',
    );
  });
});
