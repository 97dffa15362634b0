import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError } from '../src/oauth/errors.ts';
import { keycloak } from '../src/providers/keycloak.ts';
import { keycloakPreset } from '../src/testing/presets/keycloak.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import { redirectURI, rejectsIssuer, signIn } from './idp-helpers.ts';

const clientId = 'my-app';
const clientSecret = 'keycloak-client-secret-value';
const alice = {
  id: 'f3a1c2d4-5b6e-4f70-8a9b-0c1d2e3f4a5b',
  email: 'alice@example.com',
  emailVerified: true,
  name: 'Alice Example',
  username: 'alice',
};

// Keycloak's preset: a realm per `/realms/{realm}` mount (or `/auth/realms/{realm}`).
let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(keycloakPreset, {
    clients: [{ clientId, clientSecret }, { clientId: 'public-spa' }],
  });
  double.signInAs(alice);
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof keycloak>[0]> = {}) {
  return keycloak({ baseURL: double.url, realm: 'main', clientId, clientSecret, ...extra });
}

describe('keycloak provider', () => {
  it('discovers the realm: issuer, endpoints, PKCE and nonce', async () => {
    const p = provider();
    assert.equal(p.issuer, `${double.url}/realms/main`);
    const request = await p.createAuthorizationURL({ redirectURI });
    assert.equal(
      request.url.origin + request.url.pathname,
      `${double.url}/realms/main/protocol/openid-connect/auth`,
    );
    assert.equal(request.url.searchParams.get('scope'), 'openid profile email');
    assert.equal(request.url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(request.url.searchParams.get('nonce'), request.nonce);
    const legacy = keycloak({
      baseURL: 'https://sso.example.com/',
      realm: 'main',
      clientId,
      legacyAuthPath: true,
    });
    assert.equal(legacy.issuer, 'https://sso.example.com/auth/realms/main');
  });

  it('signs in (confidential and public client), maps the profile, refreshes with rotation', async () => {
    const p = provider();
    const tokens = await signIn(p, double);
    assert.equal(tokens.idTokenClaims?.iss, `${double.url}/realms/main`);
    assert.ok(tokens.refreshToken, 'Keycloak issues a refresh token without offline_access');
    assert.deepEqual((await p.getUser(tokens)).profile, {
      providerUserId: alice.id,
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice Example',
      username: 'alice',
      avatarURL: null,
    });
    const refreshed = await p.refreshAccessToken(tokens.refreshToken);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    assert.equal(refreshed.idTokenClaims?.sub, alice.id);

    const spa = keycloak({ baseURL: double.url, realm: 'main', clientId: 'public-spa' });
    await signIn(spa, double);
    const exchange = double.requests.findLast((r) => r.path.endsWith('/token'))!;
    assert.equal(exchange.clientAuthentication, 'none');

    double.signInAs({ ...alice, id: 'b0b', emailVerified: false });
    assert.equal((await p.getUser(await signIn(p, double))).profile.email, null);
    double.signInAs(alice);
  });

  it('serves the legacy /auth/realms path', async () => {
    const p = provider({ legacyAuthPath: true });
    const tokens = await signIn(p, double);
    assert.equal(tokens.idTokenClaims?.iss, `${double.url}/auth/realms/main`);
  });

  it('rejects a token of another realm and a discovery issuer mismatch', async () => {
    try {
      double.setIDTokenIssuer((origin) => `${origin}/realms/other`);
      await rejectsIssuer(signIn(provider(), double));
      double.setIDTokenIssuer((origin) => `${origin}/auth/realms/main`); // same realm, other path
      await rejectsIssuer(signIn(provider(), double));
    } finally {
      double.setIDTokenIssuer(null);
    }
    try {
      double.setIssuer((origin) => `${origin}/realms/master`);
      await assert.rejects(provider().createAuthorizationURL({ redirectURI }));
    } finally {
      double.setIssuer(null);
    }
  });

  it('builds the RP-initiated logout URL from discovery', async () => {
    const logoutPath = '/realms/main/protocol/openid-connect/logout';
    // The double serves no end_session_endpoint: add Keycloak's to its discovery answer.
    const withLogout: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input instanceof Request ? input.url : input).endsWith('/openid-configuration'))
        return response;
      const document = {
        ...(await response.json()),
        end_session_endpoint: `${double.url}${logoutPath}`,
      };
      return Response.json(document);
    };
    const p = provider({ fetch: withLogout });
    const tokens = await signIn(p, double);
    const url = await p.logout!.createEndSessionURL({
      idTokenHint: tokens.idToken,
      postLogoutRedirectURI: 'https://app.example/signed-out',
      state: 'st4te',
    });
    assert.ok(url);
    assert.equal(url.origin + url.pathname, `${double.url}${logoutPath}`);
    assert.equal(url.searchParams.get('id_token_hint'), tokens.idToken);
    assert.equal(
      url.searchParams.get('post_logout_redirect_uri'),
      'https://app.example/signed-out',
    );
    assert.equal(url.searchParams.get('client_id'), clientId);
    assert.equal(url.searchParams.get('state'), 'st4te');
  });

  it('revokes at /protocol/openid-connect/revoke', async () => {
    const p = provider();
    const tokens = await signIn(p, double);
    await p.revokeToken(tokens.refreshToken!);
    assert.equal(double.requests.at(-1)?.path, '/realms/main/protocol/openid-connect/revoke');
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken!), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_grant');
      return true;
    });
  });

  it('refuses bad configuration', () => {
    for (const realm of ['', '..', '.', 'a/b', 'a?b', 'a b']) {
      assert.throws(
        () => keycloak({ baseURL: 'https://sso.example.com', realm, clientId }),
        TypeError,
        realm,
      );
    }
    assert.throws(
      () => keycloak({ baseURL: 'http://sso.example.com', realm: 'main', clientId }),
      TypeError,
    );
    assert.throws(() => keycloak({ baseURL: '', realm: 'main', clientId }), TypeError);
  });
});
