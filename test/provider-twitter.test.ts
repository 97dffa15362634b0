import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { twitter, type TwitterConfig } from '../src/providers/twitter.ts';
import { twitterPreset } from '../src/testing/presets/twitter.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = 'X-client-id-confidential';
const clientSecret = 'x-client-secret-value-123';
const publicId = 'X-client-id-public';
const redirectURI = 'https://app.example/auth/twitter/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(twitterPreset, {
    clients: [{ clientId, clientSecret }, { clientId: publicId }],
  });
});
after(() => double.close());

function provider(extra: Partial<TwitterConfig> = {}) {
  return twitter({ clientId, clientSecret, webURL: double.url, apiURL: double.url, ...extra });
}

async function signIn(p: ReturnType<typeof provider>, scopes?: string[]) {
  const request = await p.createAuthorizationURL({ redirectURI, scopes });
  const callbackURL = await double.authorize(request.url);
  return p.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: null,
    scopes,
  });
}

const jack = {
  id: '1234567890123456789', // above 2^53: must stay a string
  username: 'jack',
  name: 'Jack',
  avatarURL: 'https://pbs.twimg.com/profile_images/1/jack_normal.jpg',
  email: 'jack@example.com',
  emailVerified: true,
};

describe('twitter (X) provider', () => {
  it('builds the authorization URL on x.com: PKCE S256 always, users.read tweet.read', async () => {
    const request = await provider({ pkce: false }).createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.origin + request.url.pathname, `${double.url}/i/oauth2/authorize`);
    assert.equal(q.get('scope'), 'users.read tweet.read');
    assert.equal(q.get('code_challenge_method'), 'S256', 'pkce: false cannot turn it off');
    assert.ok(request.codeVerifier);
    assert.equal(q.get('nonce'), null);
    const email = await provider({ confirmedEmail: true }).createAuthorizationURL({ redirectURI });
    assert.equal(email.url.searchParams.get('scope'), 'users.read tweet.read users.email');
  });

  it('signs in with Basic auth and maps /2/users/me (no email by default)', async () => {
    double.signInAs(jack);
    const p = provider();
    const tokens = await signIn(p);
    assert.equal(
      double.requests.find((r) => r.path === '/2/oauth2/token')?.clientAuthentication,
      'client_secret_basic',
    );
    assert.equal(tokens.refreshToken, null, 'no refresh token without offline.access');
    assert.ok(tokens.accessTokenExpiresAt instanceof Date);
    const { profile, user } = await p.getUser(tokens);
    const me = double.requests.findLast((r) => r.path === '/2/users/me');
    assert.equal(me?.query, '?user.fields=profile_image_url');
    assert.deepEqual(profile, {
      providerUserId: jack.id,
      email: null,
      emailVerified: false,
      name: 'Jack',
      username: 'jack',
      avatarURL: jack.avatarURL,
    });
    assert.equal(user.username, 'jack');
  });

  it('with confirmedEmail: asks for confirmed_email and treats it as verified', async () => {
    double.signInAs(jack);
    const p = provider({ confirmedEmail: true });
    const { profile } = await p.getUser(await signIn(p));
    const me = double.requests.findLast((r) => r.path === '/2/users/me');
    assert.equal(me?.query, '?user.fields=profile_image_url,confirmed_email');
    assert.equal(profile.email, 'jack@example.com');
    assert.equal(profile.emailVerified, true);
    double.signInAs({ ...jack, emailVerified: false }); // X leaves unconfirmed addresses out
    assert.equal((await p.getUser(await signIn(p))).profile.email, null);
  });

  it('a public client sends client_id in the body, no secret', async () => {
    double.signInAs(jack);
    const p = twitter({ clientId: publicId, webURL: double.url, apiURL: double.url });
    const tokens = await signIn(p);
    assert.equal(
      double.requests.findLast((r) => r.path === '/2/oauth2/token')?.clientAuthentication,
      'none',
    );
    assert.equal((await p.getUser(tokens)).profile.providerUserId, jack.id);
  });

  it('offline.access gives a refresh token that rotates; revocation ends it', async () => {
    double.signInAs(jack);
    const p = provider({ scopes: ['users.read', 'tweet.read', 'offline.access'] });
    const tokens = await signIn(p);
    assert.ok(tokens.refreshToken);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_grant');
      assert.ok(!JSON.stringify(e).includes(tokens.refreshToken!));
      return true;
    });
    await p.revokeToken(refreshed.refreshToken);
    assert.equal(double.requests.at(-1)?.path, '/2/oauth2/revoke');
    await assert.rejects(p.refreshAccessToken(refreshed.refreshToken), OAuthRequestError);
  });

  it('turns X errors into typed errors without secrets', async () => {
    double.signInAs(jack);
    const p = provider();
    const request = await p.createAuthorizationURL({ redirectURI });
    const callbackURL = await double.authorize(request.url);
    const options = { callbackURL, expectedState: request.state, redirectURI, nonce: null };
    await assert.rejects(
      p.validateAuthorizationCode({ ...options, codeVerifier: 'v'.repeat(43) }),
      (e: unknown) => {
        assert.ok(e instanceof OAuthRequestError);
        assert.equal(e.error, 'invalid_request');
        assert.equal(e.errorDescription, 'Value passed for the authorization code was invalid.');
        assert.ok(!JSON.stringify(e).includes(request.codeVerifier!));
        return true;
      },
    );
    await assert.rejects(signIn(provider({ clientSecret: 'wrong-secret-value' })), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'unauthorized_client');
      assert.equal(e.status, 401);
      assert.ok(!`${e.message}${JSON.stringify(e)}`.includes('wrong-secret-value'));
      return true;
    });
    const tokens = await signIn(p);
    await p.revokeToken(tokens.accessToken);
    await assert.rejects(p.getUser(tokens), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.status, 401);
      assert.ok(!JSON.stringify(e).includes(tokens.accessToken));
      return true;
    });
    double.signInAs({ ...jack, claims: { id: 1234 } });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
    double.signInAs({ ...jack, claims: { username: null } });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
  });

  it('refuses http URLs that are not loopback', () => {
    assert.throws(() => twitter({ clientId, apiURL: 'http://api.x.com' }), TypeError);
    assert.throws(() => twitter({ clientId, webURL: 'http://x.com' }), TypeError);
  });
});
