import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LatchkeyError } from '../src/core/errors.ts';
import { createLatchkey } from '../src/index.ts';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { providerAuth } from '../src/oauth/provider-auth.ts';
import { microsoftEntra } from '../src/providers/microsoft-entra.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import {
  microsoftEntraPreset,
  startProviderDouble,
  type ProviderDouble,
  type TestUser,
} from '../src/testing/index.ts';

const clientId = '6731de76-14a6-49ae-97bc-6eba6914391e';
const clientSecret = 'entra~client.secret_value';
const redirectURI = 'https://app.example/auth/microsoft-entra/callback';
const TENANT_A = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const TENANT_B = 'aaaabbbb-0000-cccc-1111-dddd2222eeee';
const CONSUMERS = '9188040d-6c67-4c5b-b112-36a304b66dad';

// Entra's preset: discovery per tenant path, `common`/`organizations` name the `{tenantid}`
// template; ID tokens are issued by the user's own tenant; no revocation endpoint; refresh tokens
// rotate and come with a new ID token. The test knows which tenants exist and what a domain names.
function discoveryIssuer(base: string, prefix: string): string | null {
  const tenant = /^\/([^/]+)$/.exec(prefix)?.[1];
  if (tenant === 'common' || tenant === 'organizations') return `${base}/{tenantid}/v2.0`;
  if (tenant === 'consumers') return `${base}/${CONSUMERS}/v2.0`;
  if (tenant === 'contoso.example') return `${base}/${TENANT_A}/v2.0`;
  if (tenant === TENANT_A || tenant === TENANT_B) return `${base}/${tenant}/v2.0`;
  return null;
}

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(microsoftEntraPreset, {
    clients: [{ clientId, clientSecret }],
  });
  double.setIssuer(discoveryIssuer);
});
after(() => double.close());

function provider(tenant: string, extra: Partial<Parameters<typeof microsoftEntra>[0]> = {}) {
  return microsoftEntra({ tenant, clientId, clientSecret, authority: double.url, ...extra });
}

function person(tid: string | undefined, extra: Record<string, unknown> = {}): TestUser {
  return {
    id: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ', // pairwise, per app
    claims: {
      tid,
      oid: '00000000-0000-0000-66f3-3332eca7ea81',
      name: 'Megan Bowen',
      preferred_username: 'megan@contoso.example',
      email: 'megan@contoso.example',
      ...extra,
    },
  };
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

function rejectsIssuer(promise: Promise<unknown>): Promise<void> {
  return assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof OAuthResponseError, String(e));
    assert.equal(e.reason, 'OAUTH_JWT_CLAIM_COMPARISON_FAILED');
    return true;
  });
}

describe('microsoft entra provider', () => {
  it('builds the authorization URL at the tenant authority with PKCE and nonce', async () => {
    const request = await provider('common').createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.pathname, '/common/oauth2/v2.0/authorize');
    assert.equal(q.get('scope'), 'openid profile email offline_access');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(q.get('nonce'), request.nonce);
    assert.equal(q.get('client_id'), clientId);
  });

  it('signs in through common: tenant-specific iss, (tid, oid) key, email unverified', async () => {
    double.signInAs(person(TENANT_A));
    const p = provider('common');
    const tokens = await signIn(p);
    assert.equal(tokens.idTokenClaims?.iss, `${double.url}/${TENANT_A}/v2.0`);
    const token = double.requests.findLast((r) => r.path.endsWith('/token'))!;
    assert.equal(token.clientAuthentication, 'client_secret_post', 'secret in the body');
    assert.equal(token.headers.authorization, undefined);
    const { profile, user } = await p.getUser(tokens);
    assert.deepEqual(profile, {
      providerUserId: `${TENANT_A}:00000000-0000-0000-66f3-3332eca7ea81`,
      email: null, // mutable and unverified without xms_edov
      emailVerified: false,
      name: 'Megan Bowen',
      username: 'megan@contoso.example',
      avatarURL: null,
    });
    assert.equal(user.tid, TENANT_A);

    double.signInAs(person(TENANT_A, { xms_edov: true }));
    const verified = await p.getUser(await signIn(p));
    assert.equal(verified.profile.email, 'megan@contoso.example');
    assert.equal(verified.profile.emailVerified, true);
    double.signInAs(person(TENANT_A, { xms_edov: 'true' }));
    assert.equal((await p.getUser(await signIn(p))).profile.email, null, 'only boolean true');
  });

  it('links the account under (provider, issuer, tid:oid) through ProviderAuth', async () => {
    const auth = createLatchkey({ store: memoryStore() });
    const entra = providerAuth(
      auth,
      microsoftEntra({ tenant: 'organizations', clientId, clientSecret, authority: double.url }),
      { redirectURI },
    );
    double.signInAs(person(TENANT_B));
    const [url, state, codeVerifier, nonce] = await entra.getAuthorizationUrl();
    const callback = await entra.validateCallback(await double.authorize(url), {
      expectedState: state,
      codeVerifier,
      nonce,
    });
    assert.deepEqual(callback.account, {
      providerId: 'microsoft-entra',
      issuer: `${double.url}/organizations/v2.0`,
      providerUserId: `${TENANT_B}:00000000-0000-0000-66f3-3332eca7ea81`,
    });
    assert.equal(callback.existingUser, null);
  });

  it('common: iss must be the template with the token’s own tid', async () => {
    const p = provider('common');
    double.signInAs(person(TENANT_B));
    try {
      double.setIDTokenIssuer((base) => `${base}/${TENANT_A}/v2.0`); // iss of A, tid of B
      await rejectsIssuer(signIn(p));
      double.setIDTokenIssuer((base) => `${base}/{tenantid}/v2.0`); // the template itself
      await rejectsIssuer(signIn(p));
      double.setIDTokenIssuer(null);
      double.signInAs(person(undefined)); // no tid at all
      await rejectsIssuer(signIn(p));
      double.signInAs(person('../evil')); // not a GUID
      await rejectsIssuer(signIn(p));
    } finally {
      double.setIDTokenIssuer(null); // the preset's: the token's own tenant
    }
  });

  it('rejects a token from another tenant (fixed tenant, domain, organizations, allow-list)', async () => {
    double.signInAs(person(TENANT_B));
    await rejectsIssuer(signIn(provider(TENANT_A)));
    await rejectsIssuer(signIn(provider('contoso.example'))); // resolves to tenant A
    await rejectsIssuer(signIn(provider('common', { allowedTenants: [TENANT_A] })));
    double.signInAs(person(CONSUMERS));
    await rejectsIssuer(signIn(provider('organizations')));
    await signIn(provider('consumers')); // personal accounts belong there

    double.signInAs(person(TENANT_A));
    await signIn(provider(TENANT_A.toUpperCase()));
    await signIn(provider('contoso.example'));
    await signIn(provider('common', { allowedTenants: [TENANT_A] }));
  });

  it('checks the discovery issuer shape for each tenant kind', async () => {
    try {
      double.setIssuer((base) => `${base}/common/v2.0`); // not the documented template
      await assert.rejects(
        provider('common').createAuthorizationURL({ redirectURI }),
        OAuthResponseError,
      );
      double.setIssuer((base) => `${base}/${TENANT_B}/v2.0`);
      await assert.rejects(
        provider(TENANT_A).createAuthorizationURL({ redirectURI }),
        OAuthResponseError,
      );
      double.setIssuer(() => `https://evil.example/${TENANT_A}/v2.0`);
      await assert.rejects(
        provider('contoso.example').createAuthorizationURL({ redirectURI }),
        OAuthResponseError,
      );
    } finally {
      double.setIssuer(discoveryIssuer);
    }
    await assert.rejects(
      provider('unknown.example').createAuthorizationURL({ redirectURI }),
      (e: unknown) => e instanceof OAuthRequestError && e.status === 404,
    );
  });

  it('refresh rotates the refresh token and validates the new ID token', async () => {
    double.signInAs(person(TENANT_A));
    const p = provider('common');
    const tokens = await signIn(p);
    assert.ok(tokens.refreshToken);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    assert.equal(refreshed.idTokenClaims?.tid, TENANT_A);
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_grant');
      const dump = `${e.message} ${e.errorDescription} ${JSON.stringify(e)}`;
      assert.ok(!dump.includes(tokens.refreshToken!) && !dump.includes(clientSecret));
      return true;
    });
  });

  it('has no revocation endpoint: revokeToken is a config error and sends nothing', async () => {
    const p = provider('common');
    await p.createAuthorizationURL({ redirectURI }); // discovery loaded
    const before = double.requests.length;
    await assert.rejects(p.revokeToken('some-token'), (e: unknown) => {
      assert.ok(e instanceof LatchkeyError);
      assert.equal(e.code, 'config');
      return true;
    });
    assert.equal(double.requests.length, before);
  });

  it('turns a token error into a typed error without secrets', async () => {
    double.signInAs(person(TENANT_A));
    const p = provider('common', { clientSecret: 'wrong~secret' });
    await assert.rejects(signIn(p), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_client');
      assert.equal(e.status, 401);
      assert.ok(!`${e.message} ${JSON.stringify(e)}`.includes('wrong~secret'));
      return true;
    });
  });

  it('refuses bad configuration', () => {
    for (const tenant of ['', 'common/../x', 'a b', 'https://login.microsoftonline.com']) {
      assert.throws(() => provider(tenant), TypeError, tenant);
    }
    assert.throws(
      () => microsoftEntra({ tenant: 'common', clientId, authority: 'http://login.example' }),
      TypeError,
    );
  });
});
