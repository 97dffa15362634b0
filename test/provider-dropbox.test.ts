import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { dropbox } from '../src/providers/dropbox.ts';
import { dropboxPreset } from '../src/testing/presets/dropbox.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = 'dbxappkey123';
const clientSecret = 'dbxappsecret456';
const publicId = 'dbxpublicapp';
const redirectURI = 'https://app.example/auth/dropbox/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(dropboxPreset, {
    clients: [{ clientId, clientSecret }, { clientId: publicId }],
  });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof dropbox>[0]> = {}) {
  return dropbox({ clientId, clientSecret, baseURL: double.url, apiURL: double.url, ...extra });
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

const franz = {
  id: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc',
  name: 'Franz Ferdinand',
  email: 'franz@example.com',
  emailVerified: true,
  avatarURL: 'https://dl-web.dropbox.example/account_photo/get/franz',
};

describe('dropbox provider', () => {
  it('asks for offline access with PKCE S256', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${double.url}/oauth2/authorize`);
    assert.equal(q.get('token_access_type'), 'offline');
    assert.equal(q.get('scope'), 'account_info.read');
    assert.equal(q.get('code_challenge_method'), 'S256');
    const online = await provider({ tokenAccessType: 'online' }).createAuthorizationURL({
      redirectURI,
    });
    assert.equal(online.url.searchParams.get('token_access_type'), 'online');
  });

  it('maps get_current_account, fetched with a body-less POST', async () => {
    double.signInAs(franz);
    const p = provider();
    const tokens = await signIn(p);
    assert.ok(tokens.refreshToken, 'offline: a refresh token');
    assert.ok(tokens.accessTokenExpiresAt, 'short-lived access token');
    const { profile, user } = await p.getUser(tokens);
    assert.deepEqual(profile, {
      providerUserId: franz.id,
      email: 'franz@example.com',
      emailVerified: true,
      name: 'Franz Ferdinand',
      username: null,
      avatarURL: franz.avatarURL,
    });
    assert.equal(user.name.given_name, 'Franz');
    const call = double.requests.at(-1)!;
    assert.equal(call.method, 'POST');
    assert.equal(call.path, '/2/users/get_current_account');
    assert.equal(call.headers['content-length'] ?? '0', '0');
  });

  it('an unverified email is dropped; online access has no refresh token', async () => {
    double.signInAs({ ...franz, emailVerified: false });
    const p = provider({ tokenAccessType: 'online' });
    const tokens = await signIn(p);
    assert.equal(tokens.refreshToken, null);
    const { profile } = await p.getUser(tokens);
    assert.equal(profile.email, null);
    assert.equal(profile.emailVerified, false);
  });

  it('a public app signs in and refreshes with PKCE alone; refresh does not rotate', async () => {
    double.signInAs(franz);
    const p = dropbox({ clientId: publicId, baseURL: double.url, apiURL: double.url });
    const tokens = await signIn(p);
    const exchange = double.requests.findLast((r) => r.path === '/oauth2/token');
    assert.equal(exchange?.clientAuthentication, 'none');
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.equal(refreshed.refreshToken, null, 'Dropbox keeps the refresh token');
    assert.ok(await p.refreshAccessToken(tokens.refreshToken!));
  });

  it('revokes by bearer token: an access token, or a refresh token through a fresh one', async () => {
    double.signInAs(franz);
    const p = provider();
    const a = await signIn(p);
    await p.revokeToken(a.accessToken);
    const revoke = double.requests.at(-1)!;
    assert.equal(revoke.path, '/2/auth/token/revoke');
    assert.equal(revoke.headers.authorization, 'Bearer [redacted]');
    await assert.rejects(p.refreshAccessToken(a.refreshToken!), OAuthRequestError);

    const b = await signIn(p);
    await p.revokeToken(b.refreshToken!);
    assert.equal(double.isTokenActive(b.accessToken), false);
    await assert.rejects(p.refreshAccessToken(b.refreshToken!), OAuthRequestError);
    await p.revokeToken(b.refreshToken!); // already dead: nothing left to revoke, no error
  });

  it('typed errors: bad code, dead token, malformed account', async () => {
    double.signInAs(franz);
    const p = provider();
    const request = await p.createAuthorizationURL({ redirectURI });
    const callbackURL = await double.authorize(request.url);
    callbackURL.searchParams.set('code', 'forged-code');
    await assert.rejects(
      p.validateAuthorizationCode({
        callbackURL,
        expectedState: request.state,
        redirectURI,
        codeVerifier: request.codeVerifier,
        nonce: null,
      }),
      (e: unknown) =>
        e instanceof OAuthRequestError &&
        e.error === 'invalid_grant' &&
        e.errorDescription === "code doesn't exist or has expired",
    );
    const tokens = await signIn(p);
    await p.revokeToken(tokens.accessToken);
    await assert.rejects(p.getUser(tokens), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.status, 401);
      assert.ok(!JSON.stringify(e).includes(tokens.accessToken));
      return true;
    });
    double.signInAs({ ...franz, id: '12345' }); // not a dbid: account id
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
  });
});
