import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError } from '../src/oauth/errors.ts';
import { okta } from '../src/providers/okta.ts';
import { oktaPreset } from '../src/testing/presets/okta.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import {
  assertNoSecrets,
  redirectURI,
  rejectsDiscovery,
  rejectsIssuer,
  signIn,
} from './idp-helpers.ts';

const clientId = '0oa1b2c3d4e5f6g7h8i9';
const clientSecret = 'okta-client-secret-value';
const alice = {
  id: '00u1abcdEFGHijkl2345',
  email: 'alice@example.com',
  emailVerified: true,
  name: 'Alice Example',
  username: 'alice@example.com',
};

// Okta's preset: a custom authorization server per `/oauth2/{id}` mount, the org one at the root.
let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(oktaPreset, { clients: [{ clientId, clientSecret }] });
  double.signInAs(alice);
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof okta>[0]> = {}) {
  return okta({ domain: double.url, clientId, clientSecret, ...extra });
}

describe('okta provider', () => {
  it('uses the default authorization server: issuer, endpoints from discovery, PKCE, nonce', async () => {
    const p = provider({ offlineAccess: true });
    assert.equal(p.issuer, `${double.url}/oauth2/default`);
    const request = await p.createAuthorizationURL({ redirectURI });
    assert.equal(
      request.url.origin + request.url.pathname,
      `${double.url}/oauth2/default/v1/authorize`,
    );
    const q = request.url.searchParams;
    assert.equal(q.get('scope'), 'openid profile email offline_access');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(q.get('nonce'), request.nonce);
    assert.equal(
      okta({ domain: 'your-org.okta.com', clientId }).issuer,
      'https://your-org.okta.com/oauth2/default',
    );
  });

  it('signs in and maps the profile; an unverified email stays out', async () => {
    const p = provider();
    const tokens = await signIn(p, double);
    assert.equal(tokens.idTokenClaims?.iss, `${double.url}/oauth2/default`);
    assert.equal(tokens.refreshToken, null, 'no refresh token without offline_access');
    const { profile } = await p.getUser(tokens);
    assert.deepEqual(profile, {
      providerUserId: alice.id,
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice Example',
      username: 'alice@example.com',
      avatarURL: null,
    });
    double.signInAs({ ...alice, id: '00u2', emailVerified: false });
    const bob = await p.getUser(await signIn(p, double));
    assert.equal(bob.profile.email, null);
    double.signInAs(alice);
  });

  it('org and custom authorization servers are different issuers', async () => {
    const org = provider({ authorizationServerId: null });
    assert.equal(org.issuer, double.url);
    const tokens = await signIn(org, double);
    assert.equal(tokens.idTokenClaims?.iss, double.url);
    const custom = provider({ authorizationServerId: 'aus9xyz' });
    assert.equal((await signIn(custom, double)).idTokenClaims?.iss, `${double.url}/oauth2/aus9xyz`);
  });

  it('rejects an ID token of another authorization server, and a discovery issuer mismatch', async () => {
    try {
      double.setIDTokenIssuer((origin) => origin); // the org server's iss at the default server
      await rejectsIssuer(signIn(provider(), double));
      double.setIDTokenIssuer((origin) => `${origin}/oauth2/default/`);
      await rejectsIssuer(signIn(provider(), double));
    } finally {
      double.setIDTokenIssuer(null);
    }
    try {
      double.setIssuer((origin) => `${origin}/oauth2/other`);
      await rejectsDiscovery(provider().createAuthorizationURL({ redirectURI }));
    } finally {
      double.setIssuer(null);
    }
  });

  it('refreshes with offline_access (persistent token), and against a rotating app', async () => {
    const p = provider({ offlineAccess: true });
    const tokens = await signIn(p, double);
    assert.ok(tokens.refreshToken);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken);
    assert.equal(refreshed.refreshToken, null, 'persistent: the same refresh token stays');
    assert.equal(refreshed.idTokenClaims?.sub, alice.id);
    await p.refreshAccessToken(tokens.refreshToken);

    const rotating = await startProviderDouble(
      { ...oktaPreset, refresh: { ...oktaPreset.refresh, rotate: true } },
      { clients: [{ clientId, clientSecret }], users: [alice] },
    );
    try {
      const r = okta({ domain: rotating.url, clientId, clientSecret, offlineAccess: true });
      const first = await signIn(r, rotating);
      const next = await r.refreshAccessToken(first.refreshToken!);
      assert.ok(next.refreshToken && next.refreshToken !== first.refreshToken);
      await assert.rejects(r.refreshAccessToken(first.refreshToken!), (e: unknown) => {
        assert.ok(e instanceof OAuthRequestError);
        assert.equal(e.error, 'invalid_grant');
        assertNoSecrets(e, first.refreshToken!, clientSecret);
        return true;
      });
    } finally {
      await rotating.close();
    }
  });

  it('revokes at /v1/revoke (RFC 7009)', async () => {
    const p = provider({ offlineAccess: true });
    const tokens = await signIn(p, double);
    await p.revokeToken(tokens.refreshToken!);
    const last = double.requests.at(-1)!;
    assert.equal(last.path, '/oauth2/default/v1/revoke');
    assert.equal(last.clientAuthentication, 'client_secret_basic');
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken!), OAuthRequestError);
  });

  it('turns a wrong client secret into invalid_client without leaking it', async () => {
    await assert.rejects(
      signIn(provider({ clientSecret: 'wrong-okta-secret' }), double),
      (e: unknown) => {
        assert.ok(e instanceof OAuthRequestError);
        assert.equal(e.error, 'invalid_client');
        assert.equal(e.status, 401);
        assertNoSecrets(e, 'wrong-okta-secret');
        return true;
      },
    );
  });

  it('refuses bad configuration', () => {
    for (const domain of ['', 'https://x.okta.com/oauth2/default', 'http://x.okta.com', 'a b']) {
      assert.throws(() => okta({ domain, clientId }), TypeError, domain);
    }
    for (const id of ['../x', 'a/b', '']) {
      assert.throws(
        () => okta({ domain: 'x.okta.com', clientId, authorizationServerId: id }),
        TypeError,
      );
    }
  });
});
