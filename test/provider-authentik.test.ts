import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError } from '../src/oauth/errors.ts';
import { authentik } from '../src/providers/authentik.ts';
import { authentikPreset } from '../src/testing/presets/authentik.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import { redirectURI, rejectsIssuer, signIn } from './idp-helpers.ts';

const clientId = 'Zr1v9Qp2authentikclientid';
const clientSecret = 'authentik-client-secret-value';
const alice = {
  id: '1c3a5e7f9b2d4f6a8c0e2a4c6e8a0c2e4a6c8e0a2c4e6a8c0e2a4c6e8a0c2e4a',
  email: 'alice@example.com',
  emailVerified: true,
  name: 'Alice Example',
  username: 'alice',
};

// authentik's preset: an issuer per `/application/o/{slug}/`, with the trailing slash.
let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(authentikPreset, { clients: [{ clientId, clientSecret }] });
  double.signInAs(alice);
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof authentik>[0]> = {}) {
  return authentik({ baseURL: double.url, slug: 'my-app', clientId, clientSecret, ...extra });
}

describe('authentik provider', () => {
  it('builds the application issuer with its trailing slash and discovers the endpoints', async () => {
    assert.equal(
      authentik({ baseURL: 'https://authentik.example.com/', slug: 'grafana', clientId }).issuer,
      'https://authentik.example.com/application/o/grafana/',
    );
    const p = provider({ offlineAccess: true });
    assert.equal(p.issuer, `${double.url}/application/o/my-app/`);
    const request = await p.createAuthorizationURL({ redirectURI });
    assert.equal(request.url.pathname, '/application/o/my-app/authorize/');
    assert.equal(request.url.searchParams.get('scope'), 'openid profile email offline_access');
    assert.equal(request.url.searchParams.get('code_challenge_method'), 'S256');
  });

  it('signs in, maps the profile, refreshes only with offline_access', async () => {
    const plain = await signIn(provider(), double);
    assert.equal(plain.refreshToken, null);
    assert.equal(plain.idTokenClaims?.iss, `${double.url}/application/o/my-app/`);
    const p = provider({ offlineAccess: true });
    const tokens = await signIn(p, double);
    assert.deepEqual((await p.getUser(tokens)).profile, {
      providerUserId: alice.id,
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice Example',
      username: 'alice',
      avatarURL: null,
    });
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(refreshed.refreshToken);
    assert.equal(refreshed.idTokenClaims?.sub, alice.id);
    // authentik 2025.10's default mapping: email_verified false, so no profile email.
    double.signInAs({ ...alice, id: 'b0b', emailVerified: false });
    assert.equal((await p.getUser(await signIn(p, double))).profile.email, null);
    double.signInAs(alice);
  });

  it('rejects the issuer without its slash, another application, and a discovery mismatch', async () => {
    try {
      for (const wrong of ['/application/o/my-app', '/application/o/other/', '/']) {
        double.setIDTokenIssuer((origin) => `${origin}${wrong}`);
        await rejectsIssuer(signIn(provider(), double));
      }
    } finally {
      double.setIDTokenIssuer(null);
    }
    try {
      double.setIssuer((origin) => `${origin}/application/o/`); // global issuer mode
      await assert.rejects(provider().createAuthorizationURL({ redirectURI }));
    } finally {
      double.setIssuer(null);
    }
  });

  it('revokes at /revoke/', async () => {
    const p = provider({ offlineAccess: true });
    const tokens = await signIn(p, double);
    await p.revokeToken(tokens.refreshToken!);
    assert.equal(double.requests.at(-1)?.path, '/application/o/my-app/revoke/');
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken!), OAuthRequestError);
  });

  it('refuses bad configuration', () => {
    for (const slug of ['', '..', 'a/b', 'a b', 'a?b']) {
      assert.throws(
        () => authentik({ baseURL: 'https://a.example', slug, clientId }),
        TypeError,
        slug,
      );
    }
    assert.throws(() => authentik({ baseURL: 'http://a.example', slug: 'x', clientId }), TypeError);
  });
});
