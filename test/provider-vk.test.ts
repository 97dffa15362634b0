import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { vk } from '../src/providers/vk.ts';
import { vkPreset } from '../src/testing/presets/vk.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import type { TestUser } from '../src/testing/preset.ts';

const clientId = '51234567';
const redirectURI = 'https://app.example/auth/vk/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(vkPreset, { clients: [{ clientId }] });
});
after(() => double.close());

/** Every form body the provider sends, by path. */
const sent: { path: string; body: URLSearchParams }[] = [];
const recording: typeof fetch = async (input, init) => {
  sent.push({
    path: new URL(String(input)).pathname,
    body: new URLSearchParams(String(init?.body ?? '')),
  });
  return fetch(input, init);
};
const lastTo = (path: string) => sent.findLast((s) => s.path === path)!.body;

function provider() {
  return vk({ clientId, baseURL: double.url, fetch: recording });
}

async function callback(p = provider()) {
  const request = await p.createAuthorizationURL({ redirectURI });
  return { request, callbackURL: await double.authorize(request.url) };
}

async function signIn(p = provider(), edit: (u: URL) => void = () => {}) {
  const { request, callbackURL } = await callback(p);
  edit(callbackURL);
  return p.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: null,
  });
}

const olga = {
  id: '210700286',
  name: 'Ольга Иванова',
  email: 'olga@vk.example',
  emailVerified: true,
  avatarURL: 'https://sun1-00.userapi.com/olga.jpg',
} satisfies TestUser;

describe('vk provider', () => {
  it('builds the authorization URL: PKCE S256 (required), state, VK ID scopes', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.origin + request.url.pathname, `${double.url}/authorize`);
    assert.equal(q.get('scope'), 'vkid.personal_info email');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok(q.get('state') && request.codeVerifier);
    assert.throws(() => vk({ clientId, pkce: false }), TypeError);
  });

  it('sends the callback device_id and state with the code; drops VK’s id_token', async () => {
    double.signInAs(olga);
    const p = provider();
    const { request, callbackURL } = await callback(p);
    assert.equal(callbackURL.searchParams.get('device_id'), `dev-${olga.id}-Gc7XiR`);
    const tokens = await p.validateAuthorizationCode({
      callbackURL,
      expectedState: request.state,
      redirectURI,
      codeVerifier: request.codeVerifier,
      nonce: null,
    });
    const body = lastTo('/oauth2/auth');
    assert.equal(body.get('device_id'), `dev-${olga.id}-Gc7XiR`);
    assert.equal(body.get('state'), request.state);
    assert.equal(body.get('code_verifier'), request.codeVerifier);
    assert.equal(tokens.idToken, null);
    assert.ok(tokens.refreshToken?.startsWith('vkid.'));
    const { profile } = await p.getUser(tokens);
    assert.equal(lastTo('/oauth2/user_info').get('access_token'), tokens.accessToken);
    assert.deepEqual(profile, {
      providerUserId: '210700286',
      email: null,
      emailVerified: false,
      name: 'Ольга Иванова',
      username: null,
      avatarURL: olga.avatarURL,
    });
  });

  it('a callback without a device_id is refused before any request; a wrong one by VK', async () => {
    double.signInAs(olga);
    const count = sent.length;
    await assert.rejects(
      signIn(provider(), (u) => u.searchParams.delete('device_id')),
      (e: unknown) => e instanceof OAuthResponseError && e.reason === 'missing_device_id',
    );
    assert.equal(sent.length, count);
    await assert.rejects(
      signIn(provider(), (u) => u.searchParams.set('device_id', 'another-device')),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'invalid_request',
    );
  });

  it('refresh sends the bound device_id and rotates; foreign refresh tokens are refused', async () => {
    double.signInAs(olga);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    const body = lastTo('/oauth2/auth');
    assert.equal(body.get('grant_type'), 'refresh_token');
    assert.equal(body.get('device_id'), `dev-${olga.id}-Gc7XiR`);
    assert.ok(body.get('state')!.length >= 32);
    assert.ok(!body.get('refresh_token')!.startsWith('vkid.'), 'VK’s own token is sent');
    assert.ok(refreshed.refreshToken?.startsWith('vkid.'));
    assert.notEqual(refreshed.refreshToken, tokens.refreshToken);
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken!), OAuthRequestError);
    await assert.rejects(p.refreshAccessToken('plain-refresh-token'), TypeError);
  });

  it('revokeToken and signOut end the grant; a dead token is a typed error', async () => {
    double.signInAs(olga);
    const p = provider();
    const tokens = await signIn(p);
    await p.revokeToken(tokens.accessToken);
    assert.equal(double.requests.at(-1)?.path, '/oauth2/revoke');
    await assert.rejects(p.getUser(tokens), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError && e.status === 401 && e.error === 'invalid_token');
      assert.ok(!JSON.stringify(e).includes(tokens.accessToken));
      return true;
    });
    const again = await signIn(p);
    await p.signOut(again.accessToken);
    assert.equal(double.requests.at(-1)?.path, '/oauth2/logout');
    assert.equal(double.isTokenActive(again.accessToken), false);
  });

  it('refuses a malformed user', async () => {
    double.signInAs({ ...olga, claims: { user_id: 210700286 } });
    const p = provider();
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
  });
});
