import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { google } from '../src/providers/google.ts';
import {
  googlePreset,
  startProviderDouble,
  type ProviderDouble,
  type TestUser,
} from '../src/testing/index.ts';

const clientId = 'google-client.apps.googleusercontent.com';
const clientSecret = 'GOCSPX-google-secret-value';
const redirectURI = 'https://app.example/auth/google/callback';

// Google's preset: refresh tokens only with access_type=offline, no rotation, an ID token on
// refresh, `email_verified` and `hd` claims.
let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(googlePreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof google>[0]> = {}) {
  return google({ clientId, clientSecret, issuer: double.url, ...extra });
}

async function signIn(p: ReturnType<typeof provider>) {
  const request = await p.createAuthorizationURL({ redirectURI });
  const callbackURL = await double.authorize(request.url);
  const tokens = await p.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
  });
  return { request, tokens };
}

const alice = {
  id: '109876543210987654321',
  email: 'alice@example.com',
  emailVerified: true,
  name: 'Alice Example',
  avatarURL: 'https://lh3.googleusercontent.com/a/alice',
} satisfies TestUser;

describe('google provider', () => {
  it('builds the authorization URL: default scopes, PKCE S256, nonce, offline and hd hints', async () => {
    const plain = await provider().createAuthorizationURL({ redirectURI });
    const q = plain.url.searchParams;
    assert.equal(plain.url.origin + plain.url.pathname, `${double.url}/o/oauth2/v2/auth`);
    assert.equal(q.get('scope'), 'openid email profile');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok(plain.codeVerifier && q.get('code_challenge'));
    assert.equal(q.get('nonce'), plain.nonce);
    assert.equal(q.get('access_type'), null, 'offline access is opt-in');
    assert.equal(q.get('hd'), null);

    const offline = await provider({
      offlineAccess: true,
      hostedDomain: 'Example.com',
    }).createAuthorizationURL({ redirectURI });
    assert.equal(offline.url.searchParams.get('access_type'), 'offline');
    assert.equal(offline.url.searchParams.get('prompt'), 'consent');
    assert.equal(offline.url.searchParams.get('hd'), 'example.com');
  });

  it('exchanges the code and maps the profile (verified email only)', async () => {
    double.signInAs(alice);
    const p = provider();
    const { tokens } = await signIn(p);
    assert.equal(tokens.refreshToken, null, 'no refresh token without access_type=offline');
    assert.equal(tokens.idTokenClaims?.sub, alice.id);
    const { profile, user } = await p.getUser(tokens);
    assert.deepEqual(profile, {
      providerUserId: alice.id,
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice Example',
      username: null,
      avatarURL: 'https://lh3.googleusercontent.com/a/alice',
    });
    assert.equal(user.email_verified, true);

    double.signInAs({ id: '2', email: 'bob@example.com', emailVerified: false });
    const bob = await p.getUser((await signIn(p)).tokens);
    assert.equal(bob.profile.email, null);
    assert.equal(bob.profile.emailVerified, false);
  });

  it('accepts the legacy scheme-less iss spelling, and nothing else', async () => {
    const host = new URL(double.url).host;
    double.signInAs(alice);
    try {
      double.setIDTokenIssuer(() => host); // what "accounts.google.com" is to https://accounts.google.com
      const { tokens } = await signIn(provider());
      assert.equal(tokens.idTokenClaims?.iss, host);

      for (const wrong of [
        `https://${host}`,
        `${host}/`,
        'accounts.google.com.evil',
        'http://evil',
      ]) {
        double.setIDTokenIssuer(() => wrong);
        await assert.rejects(signIn(provider()), (e: unknown) => {
          assert.ok(e instanceof OAuthResponseError, String(e));
          assert.equal(e.reason, 'OAUTH_JWT_CLAIM_COMPARISON_FAILED');
          return true;
        });
      }
    } finally {
      double.setIDTokenIssuer(null);
    }
  });

  it('verifies the hd claim, not the hd hint', async () => {
    const p = provider({ hostedDomain: 'example.com' });
    double.signInAs({ ...alice, claims: { hd: 'example.com' } });
    const { tokens } = await signIn(p);
    assert.equal(tokens.idTokenClaims?.hd, 'example.com');

    for (const claims of [{ hd: 'evil.example' }, {}]) {
      double.signInAs({ ...alice, claims });
      await assert.rejects(signIn(p), (e: unknown) => {
        assert.ok(e instanceof OAuthResponseError);
        assert.equal(e.reason, 'hd_mismatch');
        return true;
      });
    }
    double.signInAs({ ...alice, claims: { hd: 'any-workspace.example' } });
    await signIn(provider({ hostedDomain: '*' }));
    double.signInAs(alice); // a consumer account has no hd at all
    await assert.rejects(signIn(provider({ hostedDomain: '*' })), OAuthResponseError);
  });

  it('refreshes with an offline refresh token (not rotated) and revokes it', async () => {
    double.signInAs(alice);
    const p = provider({ offlineAccess: true });
    const { tokens } = await signIn(p);
    assert.ok(tokens.refreshToken);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken);
    assert.notEqual(refreshed.accessToken, tokens.accessToken);
    assert.equal(refreshed.refreshToken, null, 'Google keeps the same refresh token');
    assert.equal(refreshed.idTokenClaims?.sub, alice.id, 'refresh ID token validated');
    assert.ok(refreshed.accessTokenExpiresAt instanceof Date);

    await p.revokeToken(tokens.refreshToken);
    assert.equal(double.requests.at(-1)?.path, '/revoke');
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_grant');
      assert.equal(e.status, 400);
      const dump = JSON.stringify(e) + String(e.message) + String(e.errorDescription);
      assert.ok(!dump.includes(tokens.refreshToken!), 'no token in the error');
      assert.ok(!dump.includes(clientSecret));
      return true;
    });
  });

  it('turns error responses into typed errors without secrets', async () => {
    double.signInAs(alice);
    const p = provider();
    const request = await p.createAuthorizationURL({ redirectURI });
    const callbackURL = await double.authorize(request.url);
    const code = callbackURL.searchParams.get('code')!;
    const options = { expectedState: request.state, redirectURI, nonce: request.nonce };
    // A wrong verifier: Google answers invalid_grant.
    await assert.rejects(
      p.validateAuthorizationCode({ ...options, callbackURL, codeVerifier: 'x'.repeat(43) }),
      (e: unknown) => {
        assert.ok(e instanceof OAuthRequestError);
        assert.equal(e.code, 'oauth_request');
        assert.equal(e.error, 'invalid_grant');
        assert.ok(!`${e.message} ${e.errorDescription} ${JSON.stringify(e)}`.includes(code));
        return true;
      },
    );
    // A wrong client secret: invalid_client, and the secret is nowhere in the error.
    const bad = provider({ clientSecret: 'wrong-secret-value' });
    const r2 = await bad.createAuthorizationURL({ redirectURI });
    await assert.rejects(
      bad.validateAuthorizationCode({
        callbackURL: await double.authorize(r2.url),
        expectedState: r2.state,
        redirectURI,
        codeVerifier: r2.codeVerifier,
        nonce: r2.nonce,
      }),
      (e: unknown) => {
        assert.ok(e instanceof OAuthRequestError);
        assert.equal(e.error, 'invalid_client');
        assert.ok(!`${e.message} ${JSON.stringify(e)}`.includes('wrong-secret-value'));
        return true;
      },
    );
    // The user declined on Google's consent screen.
    double.denyNext('access_denied');
    const r3 = await p.createAuthorizationURL({ redirectURI });
    await assert.rejects(
      p.validateAuthorizationCode({
        callbackURL: await double.authorize(r3.url),
        expectedState: r3.state,
        redirectURI,
        codeVerifier: r3.codeVerifier,
        nonce: r3.nonce,
      }),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'access_denied',
    );
  });

  it('refuses an http issuer that is not loopback', () => {
    assert.throws(
      () => google({ clientId, clientSecret, issuer: 'http://accounts.google.com' }),
      TypeError,
    );
  });
});
