import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LatchkeyError } from '../src/core/errors.ts';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { patreon } from '../src/providers/patreon.ts';
import { patreonPreset } from '../src/testing/presets/patreon.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = 'patreonClientId123';
const clientSecret = 'patreon-client-secret-xyz';
const redirectURI = 'https://app.example/auth/patreon/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(patreonPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof patreon>[0]> = {}) {
  return patreon({ clientId, clientSecret, baseURL: double.url, ...extra });
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

const corey = {
  id: '32187',
  name: 'Corey Creator',
  username: 'corey',
  email: 'corey@patreon.example',
  emailVerified: true,
  avatarURL: 'https://c8.patreon.example/2/200/32187',
};

describe('patreon provider', () => {
  it('builds the authorization URL: identity identity[email]', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${double.url}/oauth2/authorize`);
    assert.equal(q.get('scope'), 'identity identity[email]');
    assert.equal(q.get('client_id'), clientId);
  });

  it('exchanges the code and maps the JSON:API identity', async () => {
    double.signInAs(corey);
    const p = provider();
    const tokens = await signIn(p);
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'client_secret_post');
    assert.deepEqual(tokens.scopes, ['identity', 'identity[email]']);
    const { profile, user } = await p.getUser(tokens);
    const request = double.requests.at(-1)!;
    assert.equal(request.path, '/api/oauth2/v2/identity');
    assert.equal(
      new URLSearchParams(request.query).get('fields[user]'),
      'email,full_name,image_url,is_email_verified,vanity',
    );
    assert.deepEqual(profile, {
      providerUserId: '32187',
      email: 'corey@patreon.example',
      emailVerified: true,
      name: 'Corey Creator',
      username: 'corey',
      avatarURL: corey.avatarURL,
    });
    assert.equal(user.type, 'user');
    assert.equal(user.attributes.full_name, 'Corey Creator');
  });

  it('email only when is_email_verified is true, and only with identity[email]', async () => {
    const p = provider();
    for (const verified of [false, null, 'true']) {
      double.signInAs({ ...corey, emailVerified: verified as boolean });
      const { profile } = await p.getUser(await signIn(p));
      assert.equal(profile.email, null, `is_email_verified ${String(verified)}`);
      assert.equal(profile.emailVerified, false);
    }
    double.signInAs(corey);
    const q = provider({ scopes: ['identity'] });
    const { profile, user } = await q.getUser(await signIn(q));
    assert.equal(profile.email, null);
    assert.equal('email' in user.attributes, false);
  });

  it('refresh returns a new refresh token; there is no revocation endpoint', async () => {
    double.signInAs(corey);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    await assert.rejects(
      p.revokeToken(refreshed.accessToken),
      (e: unknown) => e instanceof LatchkeyError && e.code === 'config',
    );
  });

  it('errors are typed and carry no secrets', async () => {
    double.signInAs(corey);
    await assert.rejects(signIn(provider({ clientSecret: 'wrong' })), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_client');
      assert.ok(!e.message.includes(clientSecret));
      return true;
    });
    const p = provider();
    const tokens = await signIn(p);
    double.failNext('userinfo', patreonPreset.unauthorized!);
    await assert.rejects(
      p.getUser(tokens),
      (e: unknown) => e instanceof OAuthRequestError && e.status === 401,
    );
    for (const claims of [{ id: 32187 }, { id: 'abc' }, { id: '' }]) {
      double.signInAs({ ...corey, claims });
      await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
    }
    double.failNext('userinfo', { status: 200, body: [] });
    await assert.rejects(p.getUser(tokens), OAuthResponseError);
  });

  it('refuses an http base URL that is not loopback', () => {
    assert.throws(
      () => patreon({ clientId, clientSecret, baseURL: 'http://www.patreon.com' }),
      TypeError,
    );
  });
});
