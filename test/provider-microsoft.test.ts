import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LatchkeyError } from '../src/core/errors.ts';
import { OAuthRequestError } from '../src/oauth/errors.ts';
import { microsoft } from '../src/providers/microsoft.ts';
import { microsoftPreset } from '../src/testing/presets/microsoft.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import type { TestUser } from '../src/testing/preset.ts';
import { redirectURI, rejectsIssuer, signIn } from './idp-helpers.ts';

const clientId = '6731de76-14a6-49ae-97bc-6eba6914391e';
const clientSecret = 'msa~client.secret_value';
const CONSUMERS = '9188040d-6c67-4c5b-b112-36a304b66dad';
const WORK_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OID = '00000000-0000-0000-66f3-3332eca7ea81';

function person(claims: Record<string, unknown> = {}): TestUser {
  return {
    id: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ', // pairwise per app
    claims: {
      oid: OID,
      name: 'Alice Example',
      preferred_username: 'alice@outlook.com',
      email: 'alice@outlook.com',
      ...claims,
    },
  };
}

// The consumers preset: Entra's endpoints, served only at /consumers; tid is the consumers tenant.
let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(microsoftPreset, { clients: [{ clientId, clientSecret }] });
  double.signInAs(person());
});
after(() => double.close());

function provider() {
  return microsoft({ clientId, clientSecret, authority: double.url });
}

describe('microsoft (personal accounts) provider', () => {
  it('uses the consumers tenant: authority, issuer, scopes, PKCE, client_secret_post', async () => {
    assert.equal(
      microsoft({ clientId }).issuer,
      'https://login.microsoftonline.com/consumers/v2.0',
    );
    const p = provider();
    assert.equal(p.id, 'microsoft');
    const request = await p.createAuthorizationURL({ redirectURI });
    assert.equal(request.url.pathname, '/consumers/oauth2/v2.0/authorize');
    assert.equal(request.url.searchParams.get('scope'), 'openid profile email offline_access');
    assert.equal(request.url.searchParams.get('code_challenge_method'), 'S256');
    const tokens = await signIn(p, double);
    assert.equal(tokens.idTokenClaims?.iss, `${double.url}/${CONSUMERS}/v2.0`);
    const exchange = double.requests.findLast((r) => r.path.endsWith('/token'))!;
    assert.equal(exchange.clientAuthentication, 'client_secret_post');
  });

  it('keys the account by tid:oid and keeps the email out without xms_edov', async () => {
    const p = provider();
    const { profile, user } = await p.getUser(await signIn(p, double));
    assert.deepEqual(profile, {
      providerUserId: `${CONSUMERS}:${OID}`,
      email: null,
      emailVerified: false,
      name: 'Alice Example',
      username: 'alice@outlook.com',
      avatarURL: null,
    });
    assert.equal(user.email, 'alice@outlook.com', 'the unverified address stays in the raw user');
    double.signInAs(person({ xms_edov: true }));
    const verified = await p.getUser(await signIn(p, double));
    assert.equal(verified.profile.email, 'alice@outlook.com');
    assert.equal(verified.profile.emailVerified, true);
    double.signInAs(person());
  });

  it('refuses work and school accounts and any other issuer', async () => {
    double.signInAs(person({ tid: WORK_TENANT })); // iss follows tid, as Entra issues it
    await rejectsIssuer(signIn(provider(), double));
    double.signInAs(person());
    try {
      double.setIDTokenIssuer((origin) => `${origin}/consumers/v2.0`); // the alias, not the GUID
      await rejectsIssuer(signIn(provider(), double));
      double.setIDTokenIssuer((origin) => `${origin}/${WORK_TENANT}/v2.0`); // tid says consumers
      await rejectsIssuer(signIn(provider(), double));
    } finally {
      double.setIDTokenIssuer(null);
    }
    try {
      double.setIssuer((origin) => `${origin}/{tenantid}/v2.0`); // the common template
      await assert.rejects(provider().createAuthorizationURL({ redirectURI }));
    } finally {
      double.setIssuer(null);
    }
  });

  it('refreshes with rotation; has no revocation endpoint', async () => {
    const p = provider();
    const tokens = await signIn(p, double);
    const next = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(next.refreshToken && next.refreshToken !== tokens.refreshToken);
    assert.equal(next.idTokenClaims?.tid, CONSUMERS);
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken!), OAuthRequestError);
    await assert.rejects(
      p.revokeToken('x'),
      (e: unknown) => e instanceof LatchkeyError && e.code === 'config',
    );
  });

  it('ignores a tenant smuggled in through untyped configuration', async () => {
    const p = microsoft({
      clientId,
      clientSecret,
      authority: double.url,
      tenant: 'common',
    } as never);
    assert.equal(p.issuer, `${double.url}/consumers/v2.0`);
    assert.throws(() => microsoft({ clientId, authority: 'http://login.example' }), TypeError);
  });
});
