import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LatchkeyError } from '../src/core/errors.ts';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { spotify } from '../src/providers/spotify.ts';
import type { TestUser } from '../src/testing/preset.ts';
import { spotifyPreset } from '../src/testing/presets/spotify.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = '5fe01282e44241328a84e7c5cc169165';
const clientSecret = 'spotify-client-secret-value';
const publicId = 'spotify-public-pkce-client';
const redirectURI = 'http://127.0.0.1:8888/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(spotifyPreset, {
    clients: [{ clientId, clientSecret }, { clientId: publicId }],
  });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof spotify>[0]> = {}) {
  return spotify({ clientId, clientSecret, accountsURL: double.url, apiURL: double.url, ...extra });
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

const wizzler = {
  id: 'wizzler',
  name: 'JM Wizzler',
  email: 'wizzler@spotify.example',
  emailVerified: true, // Spotify has no such flag: it must not matter
  avatarURL: 'https://i.scdn.example/image/wizzler',
} satisfies TestUser;

describe('spotify provider', () => {
  it('builds the authorization URL: user-read-email, PKCE S256, no nonce', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${double.url}/authorize`);
    assert.equal(q.get('scope'), 'user-read-email');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok(request.codeVerifier);
    assert.equal(q.get('nonce'), null);
  });

  it('maps /v1/me: string id, display name, widest image, and never the unverified email', async () => {
    double.signInAs(wizzler);
    const p = provider();
    const tokens = await signIn(p);
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'client_secret_basic');
    const { profile, user } = await p.getUser(tokens);
    assert.equal(double.requests.at(-1)?.path, '/v1/me');
    assert.deepEqual(profile, {
      providerUserId: 'wizzler',
      email: null,
      emailVerified: false,
      name: 'JM Wizzler',
      username: null,
      avatarURL: 'https://i.scdn.example/image/wizzler',
    });
    assert.equal(user.email, 'wizzler@spotify.example', 'still available, unverified');

    double.signInAs({ ...wizzler, avatarURL: null, name: null });
    const bare = (await p.getUser(await signIn(p))).profile;
    assert.deepEqual([bare.avatarURL, bare.name], [null, null]);
  });

  it('a public client signs in with PKCE only; a wrong verifier is invalid_grant', async () => {
    double.signInAs(wizzler);
    const p = provider({ clientId: publicId, clientSecret: undefined });
    const tokens = await signIn(p);
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'none');
    assert.ok(tokens.refreshToken);
    const request = await p.createAuthorizationURL({ redirectURI });
    const callbackURL = await double.authorize(request.url);
    await assert.rejects(
      p.validateAuthorizationCode({
        callbackURL,
        expectedState: request.state,
        redirectURI,
        codeVerifier: 'x'.repeat(43),
        nonce: null,
      }),
      (e: unknown) =>
        e instanceof OAuthRequestError &&
        e.error === 'invalid_grant' &&
        e.errorDescription === 'code_verifier was incorrect',
    );
  });

  it('refresh returns a new refresh token; the old one is refused', async () => {
    double.signInAs(wizzler);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    await assert.rejects(
      p.refreshAccessToken(tokens.refreshToken!),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'invalid_grant',
    );
  });

  it('no revocation; Web API errors and bad users are typed, without secrets', async () => {
    double.signInAs(wizzler);
    const p = provider();
    const tokens = await signIn(p);
    await assert.rejects(
      p.revokeToken(tokens.accessToken),
      (e: unknown) => e instanceof LatchkeyError && e.code === 'config',
    );
    double.failNext('userinfo', spotifyPreset.unauthorized!);
    await assert.rejects(p.getUser(tokens), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.status, 401);
      assert.ok(!JSON.stringify(e).includes(tokens.accessToken));
      return true;
    });
    double.signInAs({ ...wizzler, claims: { id: 12345 } });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
    const wrong = provider({ clientSecret: 'wrong-secret' });
    await assert.rejects(signIn(wrong), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError && e.error === 'invalid_client');
      assert.ok(!JSON.stringify(e).includes('wrong-secret'));
      return true;
    });
  });
});
