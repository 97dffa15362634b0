import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { salesforce, type SalesforceTokenExtra } from '../src/providers/salesforce.ts';
import { salesforcePreset } from '../src/testing/presets/salesforce.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = '3MVG9connected.app.consumer.key';
const clientSecret = 'salesforce-consumer-secret-xyz';
const redirectURI = 'https://app.example/auth/salesforce/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(salesforcePreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof salesforce>[0]> = {}) {
  return salesforce({ clientId, clientSecret, myDomain: double.url, ...extra });
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

const org = '00Dx0000000BV7zEAG';
const uid = '005x00000012Q9PAAU';
const marc = {
  id: `https://login.salesforce.com/id/${org}/${uid}`,
  name: 'Marc Benioff',
  username: 'marc@acme.example.sandbox',
  email: 'marc@acme.example',
  emailVerified: true,
  claims: {
    organization_id: org,
    user_id: uid,
    photos: { picture: 'https://acme.my.salesforce.example/profilephoto/005/F' },
  },
};

type Extra = { extra: Partial<SalesforceTokenExtra> };

describe('salesforce provider', () => {
  it('picks production, sandbox or My Domain as the issuer', () => {
    assert.equal(salesforce({ clientId }).issuer, 'https://login.salesforce.com');
    assert.equal(
      salesforce({ clientId, environment: 'sandbox' }).issuer,
      'https://test.salesforce.com',
    );
    const domain = 'https://acme.my.salesforce.com/';
    assert.equal(
      salesforce({ clientId, environment: 'sandbox', myDomain: domain }).issuer,
      'https://acme.my.salesforce.com',
    );
    assert.throws(
      () => salesforce({ clientId, myDomain: 'http://acme.my.salesforce.com' }),
      TypeError,
    );
  });

  it('discovers its endpoints; OIDC with nonce and PKCE', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${double.url}/services/oauth2/authorize`);
    assert.equal(q.get('scope'), 'openid profile email refresh_token');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok(q.get('nonce'));
  });

  it('keeps instance_url and id on tokens.extra; secret in the form body', async () => {
    double.signInAs(marc);
    const tokens = (await signIn(provider())) as Awaited<ReturnType<typeof signIn>> & Extra;
    assert.equal(tokens.extra.instance_url, 'https://acme.my.salesforce.example');
    assert.equal(tokens.extra.id, marc.id);
    assert.equal(tokens.accessTokenExpiresAt, null, 'Salesforce sends no expires_in');
    const exchange = double.requests.findLast((r) => r.path === '/services/oauth2/token');
    assert.equal(exchange?.clientAuthentication, 'client_secret_post');
  });

  it('maps the user: org/user id key, username, photo, verified email', async () => {
    double.signInAs(marc);
    const p = provider();
    const { profile, user } = await p.getUser(await signIn(p));
    assert.deepEqual(profile, {
      providerUserId: `${org}/${uid}`,
      email: 'marc@acme.example',
      emailVerified: true,
      name: 'Marc Benioff',
      username: 'marc@acme.example.sandbox',
      avatarURL: 'https://acme.my.salesforce.example/profilephoto/005/F',
    });
    assert.equal(user.sub, marc.id);
    assert.equal(double.requests.at(-1)?.path, '/services/oauth2/userinfo');
    double.signInAs({ ...marc, emailVerified: false });
    assert.equal((await p.getUser(await signIn(p))).profile.email, null);
    double.signInAs({ ...marc, claims: { ...marc.claims, user_id: 'not-a-user-id' } });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
  });

  it('refresh keeps the refresh token and the instance URL; revocation ends it', async () => {
    double.signInAs(marc);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = (await p.refreshAccessToken(tokens.refreshToken!)) as typeof tokens & Extra;
    assert.equal(refreshed.refreshToken, null, 'not rotated');
    assert.equal(refreshed.extra.instance_url, 'https://acme.my.salesforce.example');
    await p.revokeToken(tokens.refreshToken!);
    assert.equal(double.requests.at(-1)?.path, '/services/oauth2/revoke');
    await assert.rejects(
      p.refreshAccessToken(tokens.refreshToken!),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'invalid_grant',
    );
    assert.equal(double.isTokenActive(refreshed.accessToken), false);
  });

  it('no refresh token without the refresh_token scope; errors are typed', async () => {
    double.signInAs(marc);
    const p = provider({ scopes: ['openid', 'profile', 'email'] });
    const tokens = await signIn(p);
    assert.equal(tokens.refreshToken, null);
    // A bare 403 without an RFC 6750 challenge is not an OAuth error: an invalid response.
    double.failNext('userinfo', { status: 403, body: 'Bad_OAuth_Token' });
    await assert.rejects(p.getUser(tokens), OAuthResponseError);
    double.denyNext('access_denied', 'end-user denied authorization');
    await assert.rejects(
      signIn(p),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'access_denied',
    );
  });
});
