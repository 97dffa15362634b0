import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { oidc } from '../src/providers/oidc.ts';
import { yahoo } from '../src/providers/yahoo.ts';
import { yahooPreset } from '../src/testing/presets/yahoo.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = 'dj0yJmk9WWFob29DbGllbnQmZD1YWFgmcz1jb25zdW1lcnNlY3JldA--';
const clientSecret = 'yahoo-client-secret-xyz';
const redirectURI = 'https://app.example/auth/yahoo/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(yahooPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof yahoo>[0]> = {}) {
  return yahoo({ clientId, clientSecret, issuer: double.url, ...extra });
}

async function signIn(
  p: Pick<ReturnType<typeof provider>, 'createAuthorizationURL' | 'validateAuthorizationCode'>,
) {
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

const yuki = {
  id: 'FSVIDUW3D7FSVIDUW3D72F2F',
  name: 'Yuki Tanaka',
  email: 'yuki@yahoo.example',
  emailVerified: true,
  avatarURL: 'https://s.yimg.example/ag/images/default_user_profile_pic_192sq.jpg',
};

describe('yahoo provider', () => {
  it('builds the authorization URL: openid profile email, nonce, no PKCE by default', async () => {
    const p = provider();
    assert.equal(p.issuer, double.url);
    assert.equal(p.pkce, false);
    const request = await p.createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${double.url}/oauth2/request_auth`);
    assert.equal(q.get('scope'), 'openid profile email');
    assert.equal(q.get('nonce'), request.nonce);
    assert.equal(q.has('code_challenge'), false);
    assert.equal(request.codeVerifier, null);
    const withPKCE = await provider({ pkce: true }).createAuthorizationURL({ redirectURI });
    assert.equal(withPKCE.url.searchParams.get('code_challenge_method'), 'S256');
  });

  it('verifies the ES256 ID token (RS256 is also listed) and merges userinfo', async () => {
    double.signInAs(yuki);
    const p = provider();
    const tokens = await signIn(p);
    assert.equal(
      double.requests.find((r) => r.path === '/oauth2/get_token')?.clientAuthentication,
      'client_secret_basic',
    );
    assert.equal(tokens.idTokenClaims?.sub, yuki.id);
    const { profile, user } = await p.getUser(tokens);
    assert.equal(double.requests.at(-1)?.path, '/openid/v1/userinfo');
    assert.deepEqual(profile, {
      providerUserId: yuki.id,
      email: 'yuki@yahoo.example',
      emailVerified: true,
      name: 'Yuki Tanaka',
      username: null,
      avatarURL: yuki.avatarURL,
    });
    assert.equal(user.email_verified, true);
    // A generic OIDC client picks RS256 from ["ES256", "RS256"] and refuses Yahoo's tokens.
    const generic = oidc({
      id: 'yahoo',
      name: 'Yahoo',
      clientId,
      clientSecret,
      issuer: double.url,
    });
    await assert.rejects(signIn(generic), (e: unknown) => {
      assert.ok(e instanceof OAuthResponseError);
      assert.match(e.message, /"alg"/);
      return true;
    });
  });

  it('an unverified email is null', async () => {
    double.signInAs({ ...yuki, emailVerified: false });
    const p = provider();
    const { profile } = await p.getUser(await signIn(p));
    assert.equal(profile.email, null);
    assert.equal(profile.emailVerified, false);
  });

  it('refreshes (refresh token kept) and revokes at token_revocation_endpoint', async () => {
    double.signInAs(yuki);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(refreshed.accessToken !== tokens.accessToken);
    assert.equal(refreshed.refreshToken, null, 'no new refresh token: keep the old one');
    assert.equal(refreshed.idToken, null);
    await p.revokeToken(tokens.refreshToken!);
    assert.equal(double.requests.at(-1)?.path, '/oauth2/revoke');
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'client_secret_basic');
    await assert.rejects(
      p.refreshAccessToken(tokens.refreshToken!),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'invalid_grant',
    );
  });

  it('errors are typed and carry no secrets; a forged issuer is refused', async () => {
    double.signInAs(yuki);
    await assert.rejects(signIn(provider({ clientSecret: 'wrong' })), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_client');
      assert.ok(!e.message.includes(clientSecret));
      return true;
    });
    double.setIDTokenIssuer(() => 'https://login.yahoo.com');
    try {
      await assert.rejects(signIn(provider()), OAuthResponseError);
    } finally {
      double.setIDTokenIssuer(null);
    }
  });

  it('refuses an http issuer that is not loopback', () => {
    assert.throws(
      () => yahoo({ clientId, clientSecret, issuer: 'http://api.login.yahoo.com' }),
      TypeError,
    );
  });
});
