import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { zoom } from '../src/providers/zoom.ts';
import { zoomPreset } from '../src/testing/presets/zoom.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = 'zoomClientId123';
const clientSecret = 'zoom-client-secret-xyz';
const redirectURI = 'https://app.example/auth/zoom/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(zoomPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof zoom>[0]> = {}) {
  return zoom({ clientId, clientSecret, baseURL: double.url, apiURL: double.url, ...extra });
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
  });
}

const kim = {
  id: 'KDcuGIm1QgePTO8WbOqwIQ',
  name: 'Kim Lee',
  email: 'kim@zoom.example',
  emailVerified: true,
  avatarURL: 'https://us05web.zoom.example/p/KDcuGIm1QgePTO8WbOqwIQ/pic.jpg',
};

describe('zoom provider', () => {
  it('builds the authorization URL: no scope (app-configured), PKCE S256', async () => {
    const p = provider();
    const request = await p.createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${double.url}/oauth/authorize`);
    assert.equal(q.get('client_id'), clientId);
    assert.equal(q.has('scope'), false);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok(request.codeVerifier);
    const scoped = await provider({ scopes: ['user:read:user'] }).createAuthorizationURL({
      redirectURI,
    });
    assert.equal(scoped.url.searchParams.get('scope'), 'user:read:user');
  });

  it('exchanges the code with Basic auth and maps /v2/users/me', async () => {
    double.signInAs(kim);
    const p = provider();
    const tokens = await signIn(p);
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'client_secret_basic');
    const { profile, user } = await p.getUser(tokens);
    assert.equal(double.requests.at(-1)?.path, '/v2/users/me');
    assert.deepEqual(profile, {
      providerUserId: kim.id,
      email: kim.email,
      emailVerified: true,
      name: 'Kim Lee',
      username: null,
      avatarURL: kim.avatarURL,
    });
    assert.equal(user.verified, 1);
  });

  it('email counts only with verified === 1 (not 0, true or "1")', async () => {
    const p = provider();
    for (const verified of [0, true, '1', null]) {
      double.signInAs({ ...kim, claims: { verified } });
      const { profile } = await p.getUser(await signIn(p));
      assert.equal(profile.email, null, `verified ${String(verified)}`);
      assert.equal(profile.emailVerified, false);
    }
    // Empty strings are "not set"; the name falls back to first and last name.
    double.signInAs({ ...kim, claims: { display_name: '', pic_url: '', email: '' } });
    const { profile } = await p.getUser(await signIn(p));
    assert.deepEqual([profile.name, profile.avatarURL, profile.email], ['Kim Lee', null, null]);
  });

  it('refresh rotates: the previous refresh token is refused; revoke with Basic', async () => {
    double.signInAs(kim);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    await assert.rejects(
      p.refreshAccessToken(tokens.refreshToken!),
      (e: unknown) =>
        e instanceof OAuthRequestError && e.error === 'invalid_grant' && e.status === 400,
    );
    await p.revokeToken(refreshed.accessToken);
    assert.equal(double.requests.at(-1)?.path, '/oauth/revoke');
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'client_secret_basic');
    assert.equal(double.isTokenActive(refreshed.accessToken), false);
  });

  it('errors are typed and carry no secrets', async () => {
    double.signInAs(kim);
    await assert.rejects(signIn(provider({ clientSecret: 'wrong' })), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_client');
      assert.equal(e.status, 401);
      assert.ok(!JSON.stringify(e).includes('wrong') && !e.message.includes(clientSecret));
      return true;
    });
    const p = provider();
    const tokens = await signIn(p);
    await p.revokeToken(tokens.accessToken);
    await assert.rejects(p.getUser(tokens), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.status, 401);
      assert.equal(e.errorDescription, 'Invalid access token.');
      return true;
    });
    double.signInAs({ ...kim, claims: { id: 12345 } });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
  });

  it('refuses http URLs that are not loopback', () => {
    assert.throws(() => zoom({ clientId, clientSecret, apiURL: 'http://api.zoom.us' }), TypeError);
  });
});
