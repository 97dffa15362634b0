import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { twitch } from '../src/providers/twitch.ts';
import type { TestUser } from '../src/testing/preset.ts';
import { twitchPreset } from '../src/testing/presets/twitch.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = 'hof5gwx0su6owfnys0yan9c87zr6t';
const clientSecret = '41vpdji4e9gif29md0ouet6fktd2';
const redirectURI = 'https://app.example/auth/twitch/callback';
const CLAIMS = { email: null, email_verified: null, picture: null, preferred_username: null };

let double: ProviderDouble;
let issuer: string;
before(async () => {
  double = await startProviderDouble(twitchPreset, { clients: [{ clientId, clientSecret }] });
  issuer = `${double.url}/oauth2`;
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof twitch>[0]> = {}) {
  return twitch({ clientId, clientSecret, issuer, ...extra });
}

async function signIn(p: ReturnType<typeof provider>, edit: (url: URL) => void = () => {}) {
  const request = await p.createAuthorizationURL({ redirectURI });
  edit(request.url);
  const callbackURL = await double.authorize(request.url);
  return p.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
  });
}

const dallas = {
  id: '713936733',
  username: 'Dallas',
  email: 'dallas@twitch.example',
  emailVerified: true,
  avatarURL: 'https://static-cdn.jtvnw.example/dallas.png',
} satisfies TestUser;

describe('twitch provider', () => {
  it('asks for email through the claims parameter, with openid user:read:email', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${issuer}/authorize`);
    assert.equal(q.get('scope'), 'openid user:read:email');
    assert.deepEqual(JSON.parse(q.get('claims')!), { id_token: CLAIMS, userinfo: CLAIMS });
    assert.equal(q.get('nonce'), request.nonce);
  });

  it('signs in: scope arrays read as lists, verified email, display name', async () => {
    double.signInAs(dallas);
    const p = provider();
    const tokens = await signIn(p);
    assert.deepEqual(tokens.scopes, ['openid', 'user:read:email']);
    assert.equal(tokens.scopesReported, true);
    assert.ok(tokens.refreshToken);
    assert.equal(tokens.idTokenClaims?.email, 'dallas@twitch.example');
    const { profile } = await p.getUser(tokens);
    assert.deepEqual(profile, {
      providerUserId: '713936733',
      email: 'dallas@twitch.example',
      emailVerified: true,
      name: 'Dallas',
      username: 'Dallas',
      avatarURL: 'https://static-cdn.jtvnw.example/dallas.png',
    });
  });

  it('without the claims parameter or the email scope there is no email', async () => {
    double.signInAs(dallas);
    const p = provider();
    const bare = await signIn(p, (url) => url.searchParams.delete('claims'));
    const profile = (await p.getUser(bare)).profile;
    assert.deepEqual([profile.email, profile.name, profile.avatarURL], [null, null, null]);
    const noScope = provider({ scopes: ['openid'] });
    assert.equal((await noScope.getUser(await signIn(noScope))).profile.email, null);
    double.signInAs({ ...dallas, emailVerified: false });
    assert.equal((await p.getUser(await signIn(p))).profile.emailVerified, false);
  });

  it('refresh returns a new refresh token; the spent one fails as a typed error', async () => {
    double.signInAs(dallas);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    assert.deepEqual(refreshed.scopes, ['openid', 'user:read:email']);
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken!), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'Bad Request');
      assert.equal(e.errorDescription, 'Invalid refresh token');
      assert.equal(e.status, 400);
      return true;
    });
  });

  it('revokes with a bare client_id at /oauth2/revoke', async () => {
    double.signInAs(dallas);
    const p = provider();
    const tokens = await signIn(p);
    assert.ok(double.isTokenActive(tokens.accessToken));
    await p.revokeToken(tokens.accessToken);
    const last = double.requests.at(-1)!;
    assert.equal(last.path, '/oauth2/revoke');
    assert.equal(last.headers.authorization, undefined, 'no secret is sent');
    assert.equal(double.isTokenActive(tokens.accessToken), false);
    const stranger = twitch({ clientId: 'unknown-client', clientSecret, issuer });
    await assert.rejects(stranger.revokeToken('whatever'), OAuthRequestError);
  });

  it('code errors ({status, message}) are typed and carry no secrets', async () => {
    double.signInAs(dallas);
    const p = provider();
    const request = await p.createAuthorizationURL({ redirectURI });
    const callbackURL = await double.authorize(request.url);
    const code = callbackURL.searchParams.get('code')!;
    const options = { callbackURL, expectedState: request.state, redirectURI };
    const exchange = () =>
      p.validateAuthorizationCode({
        ...options,
        codeVerifier: request.codeVerifier,
        nonce: request.nonce,
      });
    await exchange();
    await assert.rejects(exchange(), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'http_400');
      assert.equal(e.errorDescription, 'Invalid authorization code');
      const dump = `${e.message} ${JSON.stringify(e)}`;
      assert.ok(!dump.includes(code) && !dump.includes(clientSecret));
      return true;
    });
    // A non-numeric user id is not a Twitch user.
    double.signInAs({ ...dallas, id: 'not-a-number' });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
  });
});
