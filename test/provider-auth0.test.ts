import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLatchkey } from '../src/index.ts';
import { OAuthRequestError } from '../src/oauth/errors.ts';
import { providerAuth } from '../src/oauth/provider-auth.ts';
import { auth0 } from '../src/providers/auth0.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { auth0Preset } from '../src/testing/presets/auth0.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import {
  assertNoSecrets,
  redirectURI,
  rejectsDiscovery,
  rejectsIssuer,
  signIn,
} from './idp-helpers.ts';

const clientId = 'Xy7abcDEF012ghiJKL345mnoPQR678st';
const clientSecret = 'auth0-client-secret-value-0123456789';
const alice = {
  id: 'auth0|64f0c0ffee0000000000abcd',
  email: 'alice@example.com',
  emailVerified: true,
  name: 'Alice Example',
  username: 'alice',
  avatarURL: 'https://s.gravatar.com/avatar/alice.png',
};

// Auth0's preset: issuer with a trailing slash, rotating refresh tokens with reuse detection.
let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(auth0Preset, { clients: [{ clientId, clientSecret }] });
  double.signInAs(alice);
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof auth0>[0]> = {}) {
  return auth0({ domain: double.url, clientId, clientSecret, ...extra });
}

describe('auth0 provider', () => {
  it('keeps the trailing slash of the issuer and sends audience and offline_access', async () => {
    assert.equal(
      auth0({ domain: 'acme.us.auth0.com', clientId }).issuer,
      'https://acme.us.auth0.com/',
    );
    const p = provider({ audience: 'https://api.example.com', offlineAccess: true });
    assert.equal(p.issuer, `${double.url}/`);
    const request = await p.createAuthorizationURL({ redirectURI });
    assert.equal(request.url.origin + request.url.pathname, `${double.url}/authorize`);
    const q = request.url.searchParams;
    assert.equal(q.get('audience'), 'https://api.example.com');
    assert.equal(q.get('scope'), 'openid profile email offline_access');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(q.get('nonce'), request.nonce);
    assert.equal(
      (await provider().createAuthorizationURL({ redirectURI })).url.searchParams.get('audience'),
      null,
    );
  });

  it('signs in: iss with the slash, connection-prefixed sub, nickname as username', async () => {
    const p = provider();
    const tokens = await signIn(p, double);
    assert.equal(tokens.idTokenClaims?.iss, `${double.url}/`);
    assert.equal(
      double.requests.find((r) => r.path === '/oauth/token')?.clientAuthentication,
      'client_secret_basic',
    );
    const { profile, user } = await p.getUser(tokens);
    assert.deepEqual(profile, {
      providerUserId: 'auth0|64f0c0ffee0000000000abcd',
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice Example',
      username: 'alice',
      avatarURL: 'https://s.gravatar.com/avatar/alice.png',
    });
    assert.equal(user.nickname, 'alice');
    double.signInAs({ ...alice, id: 'google-oauth2|1', emailVerified: false });
    assert.equal((await p.getUser(await signIn(p, double))).profile.email, null);
    double.signInAs(alice);
  });

  it('rejects an iss without the trailing slash (or any other), and a discovery mismatch', async () => {
    try {
      for (const wrong of [
        (o: string) => o,
        (o: string) => `${o}//`,
        () => 'https://evil.auth0.com/',
      ]) {
        double.setIDTokenIssuer(wrong);
        await rejectsIssuer(signIn(provider(), double));
      }
    } finally {
      double.setIDTokenIssuer(null);
    }
    try {
      double.setIssuer(() => 'https://other.auth0.com/');
      await rejectsDiscovery(provider().createAuthorizationURL({ redirectURI }));
    } finally {
      double.setIssuer(null);
    }
  });

  it('links the account under (auth0, the slashed issuer, sub) through ProviderAuth', async () => {
    const auth = createLatchkey({ store: memoryStore() });
    const flow = providerAuth(auth, provider(), { redirectURI });
    const [url, state, codeVerifier, nonce] = await flow.getAuthorizationUrl();
    const callback = await flow.validateCallback(await double.authorize(url), {
      expectedState: state,
      codeVerifier,
      nonce,
    });
    assert.deepEqual(callback.account, {
      providerId: 'auth0',
      issuer: `${double.url}/`,
      providerUserId: 'auth0|64f0c0ffee0000000000abcd',
    });
  });

  it('rotates refresh tokens; reusing an old one revokes the family', async () => {
    const p = provider({ offlineAccess: true });
    const tokens = await signIn(p, double);
    assert.ok(tokens.refreshToken);
    const next = await p.refreshAccessToken(tokens.refreshToken);
    assert.ok(next.refreshToken && next.refreshToken !== tokens.refreshToken);
    assert.equal(next.idTokenClaims?.iss, `${double.url}/`, 'refresh ID token checked too');
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_grant');
      assertNoSecrets(e, tokens.refreshToken!, clientSecret);
      return true;
    });
    // Reuse detection: the newest token of the family is dead too.
    await assert.rejects(p.refreshAccessToken(next.refreshToken), OAuthRequestError);
  });

  it('revokes at /oauth/revoke', async () => {
    const p = provider({ offlineAccess: true });
    const tokens = await signIn(p, double);
    await p.revokeToken(tokens.refreshToken!);
    assert.equal(double.requests.at(-1)?.path, '/oauth/revoke');
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken!), OAuthRequestError);
  });

  it('refuses bad configuration', () => {
    for (const domain of ['', 'https://acme.auth0.com/x', 'http://acme.auth0.com']) {
      assert.throws(() => auth0({ domain, clientId }), TypeError, domain);
    }
    assert.throws(() => auth0({ domain: 'acme.auth0.com', clientId, audience: '' }), TypeError);
  });
});
