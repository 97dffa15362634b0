import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LatchkeyError } from '../src/core/errors.ts';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { amazon } from '../src/providers/amazon.ts';
import { amazonPreset } from '../src/testing/presets/amazon.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = 'amzn1.application-oa2-client.0123456789abcdef';
const clientSecret = 'amazon-client-secret-xyz';
const publicId = 'amzn1.application-oa2-client.public';
const redirectURI = 'https://app.example/auth/amazon/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(amazonPreset, {
    clients: [{ clientId, clientSecret }, { clientId: publicId }],
  });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof amazon>[0]> = {}) {
  return amazon({ clientId, clientSecret, authURL: double.url, apiURL: double.url, ...extra });
}

async function signIn(p: ReturnType<typeof provider>) {
  const request = await p.createAuthorizationURL({ redirectURI });
  const callbackURL = await double.authorize(request.url);
  return p.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: null,
    scopes: p.defaultScopes,
  });
}

const jane = { id: 'amzn1.account.K2LI23KL2LK2', name: 'Jane Doe', email: 'jane@example.com' };

describe('amazon provider', () => {
  it('uses the region endpoints (NA default, EU, FE) and rejects an unknown region', async () => {
    const at = async (region?: 'NA' | 'EU' | 'FE') => {
      const p = amazon({ clientId, clientSecret, region });
      return { p, url: (await p.createAuthorizationURL({ redirectURI })).url };
    };
    const na = await at();
    assert.equal(na.url.href.split('?')[0], 'https://www.amazon.com/ap/oa');
    assert.equal(na.url.searchParams.get('scope'), 'profile');
    assert.equal(na.url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(na.p.issuer, 'https://www.amazon.com');
    assert.equal((await at('EU')).url.href.split('?')[0], 'https://eu.account.amazon.com/ap/oa');
    const fe = await at('FE');
    assert.equal(fe.url.href.split('?')[0], 'https://apac.account.amazon.com/ap/oa');
    assert.equal(fe.p.issuer, 'https://apac.account.amazon.com');
    assert.throws(() => amazon({ clientId, region: 'US' as 'NA' }), TypeError);
    assert.throws(() => amazon({ clientId, region: 'toString' as 'NA' }), TypeError);
  });

  it('exchanges the code; the email is never treated as verified', async () => {
    double.signInAs(jane);
    const p = provider();
    const tokens = await signIn(p);
    assert.equal(double.requests.at(-1)?.path, '/auth/o2/token');
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'client_secret_post');
    assert.deepEqual(tokens.scopes, ['profile']);
    const { profile, user } = await p.getUser(tokens);
    assert.equal(double.requests.at(-1)?.path, '/user/profile');
    assert.deepEqual(profile, {
      providerUserId: jane.id,
      email: null,
      emailVerified: false,
      name: 'Jane Doe',
      username: null,
      avatarURL: null,
    });
    assert.equal(user.email, 'jane@example.com', 'the address stays on user');
  });

  it('a public client signs in with PKCE alone; profile:user_id gives only the id', async () => {
    double.signInAs(jane);
    const p = amazon({
      clientId: publicId,
      authURL: double.url,
      apiURL: double.url,
      scopes: ['profile:user_id'],
    });
    const tokens = await signIn(p);
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'none');
    const { profile, user } = await p.getUser(tokens);
    assert.equal(profile.providerUserId, jane.id);
    assert.equal(profile.name, null);
    assert.equal('email' in user, false);
  });

  it('refresh returns a new pair; there is no revocation endpoint', async () => {
    double.signInAs(jane);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    assert.equal(refreshed.tokenType, 'bearer');
    await assert.rejects(
      p.revokeToken(refreshed.accessToken),
      (e: unknown) => e instanceof LatchkeyError && e.code === 'config',
    );
  });

  it('errors are typed and carry no secrets', async () => {
    double.signInAs(jane);
    const p = provider();
    const request = await p.createAuthorizationURL({ redirectURI });
    const callbackURL = await double.authorize(request.url);
    const options = { callbackURL, expectedState: request.state, redirectURI, nonce: null };
    await assert.rejects(
      p.validateAuthorizationCode({ ...options, codeVerifier: 'v'.repeat(43) }),
      (e: unknown) => {
        assert.ok(e instanceof OAuthRequestError);
        assert.equal(e.error, 'invalid_grant');
        assert.ok(!JSON.stringify(e).includes(callbackURL.searchParams.get('code')!));
        assert.ok(!e.message.includes(clientSecret));
        return true;
      },
    );
    const tokens = await signIn(p);
    double.failNext('userinfo', amazonPreset.unauthorized!);
    await assert.rejects(
      p.getUser(tokens),
      (e: unknown) =>
        e instanceof OAuthRequestError && e.error === 'invalid_token' && e.status === 401,
    );
    for (const id of ['12345', 'amzn1.account.', 'amzn1.account.ABC/../x']) {
      double.signInAs({ ...jane, claims: { user_id: id } });
      await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
    }
  });
});
