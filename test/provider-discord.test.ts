import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthCallbackError, OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { discord } from '../src/providers/discord.ts';
import { discordPreset, startProviderDouble, type ProviderDouble } from '../src/testing/index.ts';

const clientId = '1234567890123456789';
const clientSecret = 'discord-client-secret-xyz';
const redirectURI = 'https://app.example/auth/discord/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(discordPreset, { clients: [{ clientId, clientSecret }] });
});

/** Signs in as this `GET /users/@me` body, exactly as Discord would send it. */
function signInAs(user: Record<string, unknown>): void {
  double.signInAs({ id: String(user.id), claims: user });
}
after(() => double.close());

function provider(extra: Partial<Parameters<typeof discord>[0]> = {}) {
  return discord({ clientId, clientSecret, baseURL: double.url, ...extra });
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

const nelly = {
  id: '80351110224678912', // above 2^53: must stay a string
  username: 'nelly',
  global_name: 'Nelly',
  discriminator: '0',
  avatar: '8342729096ea3675442027381ff50dfe',
  email: 'nelly@discord.example',
  verified: true,
};

describe('discord provider', () => {
  it('builds the authorization URL: identify email, PKCE S256, no nonce', async () => {
    const p = provider();
    assert.equal(p.issuer, double.url);
    const request = await p.createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${double.url}/oauth2/authorize`);
    assert.equal(q.get('scope'), 'identify email');
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok(request.codeVerifier);
    assert.equal(request.nonce, null);
    assert.equal(q.get('nonce'), null);
  });

  it('exchanges the code and maps the profile (snowflake string, avatar CDN URL)', async () => {
    signInAs(nelly);
    const p = provider();
    const tokens = await signIn(p);
    assert.deepEqual(tokens.scopes, ['identify', 'email']);
    const { profile, user } = await p.getUser(tokens);
    assert.deepEqual(profile, {
      providerUserId: '80351110224678912',
      email: 'nelly@discord.example',
      emailVerified: true,
      name: 'Nelly',
      username: 'nelly',
      avatarURL: `https://cdn.discordapp.com/avatars/80351110224678912/${nelly.avatar}.png`,
    });
    assert.equal(user.id, nelly.id);

    signInAs({ ...nelly, avatar: 'a_' + nelly.avatar, global_name: null });
    const animated = (await p.getUser(await signIn(p))).profile;
    assert.equal(animated.avatarURL?.endsWith(`/a_${nelly.avatar}.gif`), true);
    assert.equal(animated.name, 'nelly', 'falls back to the username');

    // No avatar: the default one, (id >> 22) % 6 for new usernames, discriminator % 5 for legacy.
    signInAs({ ...nelly, avatar: null });
    const index = Number((BigInt(nelly.id) >> 22n) % 6n);
    assert.equal(
      (await p.getUser(await signIn(p))).profile.avatarURL,
      `https://cdn.discordapp.com/embed/avatars/${index}.png`,
    );
    signInAs({ ...nelly, avatar: '../../evil', discriminator: '1337' });
    assert.equal(
      (await p.getUser(await signIn(p))).profile.avatarURL,
      'https://cdn.discordapp.com/embed/avatars/2.png',
    );
  });

  it('an unverified email is null; without the email scope there is none', async () => {
    signInAs({ ...nelly, verified: false });
    const p = provider();
    const unverified = (await p.getUser(await signIn(p))).profile;
    assert.equal(unverified.email, null);
    assert.equal(unverified.emailVerified, false);
    signInAs(nelly);
    const q = provider({ scopes: ['identify'] });
    assert.equal((await q.getUser(await signIn(q))).profile.email, null);
  });

  it('checks a present RFC 9207 iss; requires it only with requireIss', async () => {
    signInAs(nelly);
    const attempt = async (p: ReturnType<typeof provider>, edit: (u: URL) => void) => {
      const request = await p.createAuthorizationURL({ redirectURI });
      const callbackURL = new URL(await double.authorize(request.url));
      edit(callbackURL);
      return p.validateAuthorizationCode({
        callbackURL,
        expectedState: request.state,
        redirectURI,
        codeVerifier: request.codeVerifier,
        nonce: null,
      });
    };
    const p = provider();
    await assert.rejects(
      attempt(p, (u) => u.searchParams.set('iss', 'https://evil.example')),
      (e: unknown) => e instanceof OAuthCallbackError && e.reason === 'iss_mismatch',
    );
    assert.ok((await attempt(p, (u) => u.searchParams.delete('iss'))).accessToken);
    assert.ok((await attempt(p, () => {})).accessToken);
    const strict = provider({ requireIss: true });
    await assert.rejects(
      attempt(strict, (u) => u.searchParams.delete('iss')),
      (e: unknown) => e instanceof OAuthCallbackError && e.reason === 'iss_missing',
    );
  });

  it('refresh rotates the refresh token; revocation kills it', async () => {
    signInAs(nelly);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    assert.ok(refreshed.accessTokenExpiresAt instanceof Date);
    await assert.rejects(
      p.refreshAccessToken(tokens.refreshToken!),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'invalid_grant',
    );
    await p.revokeToken(refreshed.refreshToken);
    assert.equal(double.requests.at(-1)?.path, '/api/oauth2/token/revoke');
    await assert.rejects(p.refreshAccessToken(refreshed.refreshToken), OAuthRequestError);
  });

  it('error responses are typed and carry no secrets', async () => {
    signInAs(nelly);
    const p = provider();
    const request = await p.createAuthorizationURL({ redirectURI });
    const callbackURL = await double.authorize(request.url);
    const code = callbackURL.searchParams.get('code')!;
    const options = { callbackURL, expectedState: request.state, redirectURI, nonce: null };
    await assert.rejects(
      p.validateAuthorizationCode({ ...options, codeVerifier: 'v'.repeat(43) }),
      (e: unknown) => {
        assert.ok(e instanceof OAuthRequestError);
        assert.equal(e.code, 'oauth_request');
        assert.equal(e.error, 'invalid_grant');
        assert.equal(e.status, 400);
        assert.equal(e.errorDescription, 'Invalid "code_verifier"');
        const dump = `${e.message} ${JSON.stringify(e)}`;
        assert.ok(
          !dump.includes(code) &&
            !dump.includes(clientSecret) &&
            !dump.includes(request.codeVerifier!),
        );
        return true;
      },
    );
    // A dead access token: /users/@me answers 401 {message, code: 0}.
    const tokens = await signIn(p);
    await p.revokeToken(tokens.accessToken);
    await assert.rejects(p.getUser(tokens), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.status, 401);
      assert.equal(e.errorDescription, '401: Unauthorized');
      assert.ok(!JSON.stringify(e).includes(tokens.accessToken));
      return true;
    });
    // A malformed user (a numeric id) is an invalid response, not a crash.
    signInAs({ ...nelly, id: 80351110224678912 });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
  });

  it('refuses an http base URL that is not loopback', () => {
    assert.throws(
      () => discord({ clientId, clientSecret, baseURL: 'http://discord.com' }),
      TypeError,
    );
  });
});
