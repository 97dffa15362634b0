import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { box } from '../src/providers/box.ts';
import { boxPreset } from '../src/testing/presets/box.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = 'ly1nj6n11vionaie65emwzk575hnnmrk';
const clientSecret = 'box-client-secret-xyz';
const redirectURI = 'https://app.example/auth/box/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(boxPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof box>[0]> = {}) {
  return box({ clientId, clientSecret, accountURL: double.url, apiURL: double.url, ...extra });
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

const aaron = {
  id: '11446498',
  name: 'Aaron Levie',
  email: 'aaron@box.example',
  emailVerified: true, // whatever the double knows, Box's API says nothing about it
  avatarURL: 'https://www.box.example/api/avatar/large/11446498',
};

describe('box provider', () => {
  it('builds the authorization URL at account.box.com without default scopes', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${double.url}/api/oauth2/authorize`);
    assert.equal(q.get('client_id'), clientId);
    assert.equal(q.has('scope'), false);
    assert.equal(q.get('response_type'), 'code');
    const scoped = provider({ scopes: ['root_readonly'] });
    const url = (await scoped.createAuthorizationURL({ redirectURI })).url;
    assert.equal(url.searchParams.get('scope'), 'root_readonly');
  });

  it('exchanges the code (secret in the body); login is never a verified email', async () => {
    double.signInAs(aaron);
    const p = provider();
    const tokens = await signIn(p);
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'client_secret_post');
    assert.equal(tokens.tokenType, 'bearer');
    assert.equal(tokens.scopesReported, false);
    const { profile, user } = await p.getUser(tokens);
    assert.equal(double.requests.at(-1)?.path, '/2.0/users/me');
    assert.deepEqual(profile, {
      providerUserId: '11446498',
      email: null,
      emailVerified: false,
      name: 'Aaron Levie',
      username: null,
      avatarURL: aaron.avatarURL,
    });
    assert.equal(user.login, 'aaron@box.example', 'the login stays available on user');
  });

  it('refresh tokens are single use; revocation ends the grant', async () => {
    double.signInAs(aaron);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    await assert.rejects(
      p.refreshAccessToken(tokens.refreshToken!),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'invalid_grant',
    );
    await p.revokeToken(refreshed.refreshToken!);
    assert.equal(double.requests.at(-1)?.path, '/oauth2/revoke');
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'client_secret_post');
    assert.equal(double.isTokenActive(refreshed.accessToken), false);
  });

  it('errors are typed and carry no secrets', async () => {
    double.signInAs(aaron);
    await assert.rejects(signIn(provider({ clientSecret: 'wrong' })), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_client');
      assert.ok(!e.message.includes(clientSecret));
      return true;
    });
    const p = provider();
    const tokens = await signIn(p);
    await p.revokeToken(tokens.accessToken);
    // A dead token: 401 with an empty body.
    await assert.rejects(
      p.getUser(tokens),
      (e: unknown) => e instanceof OAuthRequestError && e.status === 401 && e.error === 'http_401',
    );
    for (const id of [11446498, 'not-numeric', '']) {
      double.signInAs({ ...aaron, claims: { id } });
      await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
    }
  });

  it('refuses http URLs that are not loopback', () => {
    assert.throws(() => box({ clientId, clientSecret, apiURL: 'http://api.box.com' }), TypeError);
    assert.throws(() => box({ clientId, clientSecret, accountURL: 'http://x.example' }), TypeError);
  });
});
