import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError } from '../src/oauth/errors.ts';
import { cognito } from '../src/providers/cognito.ts';
import { cognitoPreset } from '../src/testing/presets/cognito.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import { redirectURI, rejectsIssuer, signIn } from './idp-helpers.ts';

const clientId = '1example23456789abcdefghij';
const clientSecret = 'cognito-app-client-secret-value';
const userPoolId = 'eu-west-1_AbCdEf123';
const alice = {
  id: '7c1e2a3b-4d5f-4a6b-8c7d-9e0f1a2b3c4d',
  email: 'alice@example.com',
  emailVerified: true,
  name: 'Alice Example',
  username: 'alice',
};

// Cognito's preset: the pool issuer at `/{poolId}`, the hosted-UI endpoints under `/oauth2/`.
let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(cognitoPreset, { clients: [{ clientId, clientSecret }] });
  double.signInAs(alice);
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof cognito>[0]> = {}) {
  return cognito({
    region: 'eu-west-1',
    userPoolId,
    clientId,
    clientSecret,
    serviceURL: double.url,
    ...extra,
  });
}

describe('cognito provider', () => {
  it('uses the pool issuer and the endpoints discovery names', async () => {
    assert.equal(
      cognito({ region: 'eu-west-1', userPoolId, clientId }).issuer,
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
    );
    const p = provider();
    assert.equal(p.issuer, `${double.url}/${userPoolId}`);
    const request = await p.createAuthorizationURL({ redirectURI });
    // Built from discovery's authorization_endpoint (the pool domain in production).
    assert.equal(
      request.url.origin + request.url.pathname,
      `${double.url}/${userPoolId}/oauth2/authorize`,
    );
    assert.equal(request.url.searchParams.get('scope'), 'openid profile email');
    assert.equal(request.url.searchParams.get('code_challenge_method'), 'S256');
  });

  it('signs in: cognito:username, and email_verified as the string "true"', async () => {
    const p = provider();
    const tokens = await signIn(p, double);
    assert.equal(tokens.idTokenClaims?.iss, `${double.url}/${userPoolId}`);
    assert.ok(tokens.refreshToken, 'a refresh token without offline_access');
    const { profile, user } = await p.getUser(tokens);
    assert.equal(user.email_verified, 'true');
    assert.equal(user['cognito:username'], 'alice');
    assert.deepEqual(profile, {
      providerUserId: alice.id,
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice Example',
      username: 'alice',
      avatarURL: null,
    });
    for (const verified of [false, 'false', 'TRUE', 1]) {
      double.signInAs({
        ...alice,
        id: `u-${String(verified)}`,
        claims: { email_verified: verified },
      });
      const other = await p.getUser(await signIn(p, double));
      assert.equal(other.profile.email, null, String(verified));
      assert.equal(other.profile.emailVerified, false);
    }
    double.signInAs({ ...alice, id: 'u-bool', claims: { email_verified: true } });
    assert.equal((await p.getUser(await signIn(p, double))).profile.emailVerified, true);
    double.signInAs(alice);
  });

  it('rejects a token of another pool or region, and a discovery mismatch', async () => {
    try {
      double.setIDTokenIssuer((origin) => `${origin}/eu-west-1_Other999`);
      await rejectsIssuer(signIn(provider(), double));
      double.setIDTokenIssuer(() => `https://cognito-idp.us-east-1.amazonaws.com/${userPoolId}`);
      await rejectsIssuer(signIn(provider(), double));
    } finally {
      double.setIDTokenIssuer(null);
    }
    try {
      double.setIssuer((origin) => `${origin}/eu-west-1_Other999`);
      await assert.rejects(provider().createAuthorizationURL({ redirectURI }));
    } finally {
      double.setIssuer(null);
    }
  });

  it('refreshes without rotation and revokes the refresh token at /oauth2/revoke', async () => {
    const p = provider();
    const tokens = await signIn(p, double);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.equal(refreshed.refreshToken, null, 'Cognito keeps the refresh token');
    assert.equal(refreshed.idTokenClaims?.sub, alice.id);
    await p.revokeToken(tokens.refreshToken!);
    const revoke = double.requests.at(-1)!;
    assert.equal(revoke.path, `/${userPoolId}/oauth2/revoke`);
    assert.equal(revoke.clientAuthentication, 'client_secret_basic');
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken!), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_grant');
      return true;
    });
  });

  it('refuses bad configuration', () => {
    const bad = [
      { region: 'eu-west-1', userPoolId: 'us-east-1_AbCdEf123' }, // pool of another region
      { region: 'eu-west-1', userPoolId: 'eu-west-1_../x' },
      { region: 'eu-west-1/..', userPoolId },
      { region: '', userPoolId },
    ];
    for (const b of bad)
      assert.throws(() => cognito({ ...b, clientId }), TypeError, JSON.stringify(b));
    assert.throws(
      () =>
        cognito({
          region: 'eu-west-1',
          userPoolId,
          clientId,
          serviceURL: 'http://cognito.example',
        }),
      TypeError,
    );
  });
});
