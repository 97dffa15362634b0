import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { tiktok } from '../src/providers/tiktok.ts';
import { tiktokPreset } from '../src/testing/presets/tiktok.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = 'aw1234tiktokkey';
const clientSecret = 'tiktok-client-secret-xyz';
const redirectURI = 'https://app.example/auth/tiktok/callback/';

let double: ProviderDouble;
const bodies: { url: string; body: string }[] = [];
before(async () => {
  double = await startProviderDouble(tiktokPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

// Records each request body the provider sends, then sends it.
const recording: typeof fetch = async (input, init) => {
  if (init?.body instanceof URLSearchParams)
    bodies.push({ url: String(input), body: `${init.body}` });
  return fetch(input, init);
};

function provider(extra: Partial<Parameters<typeof tiktok>[0]> = {}) {
  return tiktok({
    clientId,
    clientSecret,
    authURL: double.url,
    apiURL: double.url,
    fetch: recording,
    ...extra,
  });
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

const ada = {
  id: '-000OkOm2-rtyd0Nw_Ht9_5gjV2y3-vQ1jOO',
  name: 'Ada',
  avatarURL: 'https://p16.tiktokcdn.example/a.jpg',
};

describe('tiktok provider', () => {
  it('builds the authorization URL: client_key, comma scopes, hex S256 challenge', async () => {
    const p = provider({ scopes: ['user.info.basic', 'video.list'] });
    assert.equal(p.issuer, double.url);
    const request = await p.createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${double.url}/v2/auth/authorize/`);
    assert.equal(q.get('client_key'), clientId);
    assert.equal(q.has('client_id'), false);
    assert.equal(q.get('scope'), 'user.info.basic,video.list');
    assert.equal(q.get('redirect_uri'), redirectURI);
    const hex = createHash('sha256').update(request.codeVerifier!).digest('hex');
    assert.equal(q.get('code_challenge'), hex);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(q.get('nonce'), null);
    assert.deepEqual(provider().defaultScopes, ['user.info.basic']);
  });

  it('exchanges the code with client_key and maps the /v2/user/info/ profile', async () => {
    double.signInAs(ada);
    const p = provider();
    bodies.length = 0;
    const tokens = await signIn(p);
    const sent = new URLSearchParams(bodies.at(-1)!.body);
    assert.equal(bodies.at(-1)!.url, `${double.url}/v2/oauth/token/`);
    assert.equal(sent.get('client_key'), clientId);
    assert.equal(sent.has('client_id'), false);
    assert.equal(sent.get('client_secret'), clientSecret);
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'client_secret_post');
    assert.deepEqual(tokens.scopes, ['user.info.basic']);
    assert.ok(tokens.refreshTokenExpiresAt, 'refresh_expires_in is read');
    const days = (tokens.refreshTokenExpiresAt.getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 364 && days <= 365);
    const { profile, user } = await p.getUser(tokens);
    assert.deepEqual(profile, {
      providerUserId: ada.id,
      email: null,
      emailVerified: false,
      name: 'Ada',
      username: null,
      avatarURL: ada.avatarURL,
    });
    assert.equal(user.union_id, `union-${ada.id}`);
    const info = double.requests.at(-1)!;
    assert.equal(info.path, '/v2/user/info/');
    assert.equal(info.query, '?fields=open_id,union_id,avatar_url,display_name');
  });

  it('a token error answered with HTTP 200 is an OAuthRequestError without secrets', async () => {
    double.signInAs(ada);
    const p = provider();
    const request = await p.createAuthorizationURL({ redirectURI });
    const callbackURL = await double.authorize(request.url);
    const code = callbackURL.searchParams.get('code')!;
    const options = { callbackURL, expectedState: request.state, redirectURI, nonce: null };
    await assert.rejects(
      p.validateAuthorizationCode({ ...options, codeVerifier: 'v'.repeat(43) }),
      (e: unknown) => {
        assert.ok(e instanceof OAuthRequestError);
        assert.equal(e.error, 'invalid_grant');
        assert.equal(e.status, 200);
        const dump = `${e.message} ${JSON.stringify(e)}`;
        assert.ok(!dump.includes(code) && !dump.includes(clientSecret));
        return true;
      },
    );
    const wrong = provider({ clientSecret: 'wrong' });
    await assert.rejects(
      signIn(wrong),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'invalid_client',
    );
  });

  it('API errors carry TikTok error code; a malformed user is an invalid response', async () => {
    double.signInAs(ada);
    const p = provider();
    const tokens = await signIn(p);
    await p.revokeToken(tokens.accessToken);
    await assert.rejects(p.getUser(tokens), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'access_token_invalid');
      assert.equal(e.status, 401);
      assert.ok(!JSON.stringify(e).includes(tokens.accessToken));
      return true;
    });
    double.failNext('userinfo', {
      status: 200,
      body: { data: {}, error: { code: 'internal_error', message: 'x' } },
    });
    await assert.rejects(
      p.getUser(await signIn(p)),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'internal_error',
    );
    double.signInAs({ ...ada, claims: { open_id: 42 } });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
    double.failNext('userinfo', { status: 200, body: 'not json' });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
  });

  it('refreshes with client_key and revokes at /v2/oauth/revoke/', async () => {
    double.signInAs(ada);
    const p = provider();
    const tokens = await signIn(p);
    bodies.length = 0;
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.equal(new URLSearchParams(bodies[0]!.body).get('client_key'), clientId);
    assert.ok(refreshed.accessToken !== tokens.accessToken);
    assert.ok(refreshed.refreshToken && refreshed.refreshTokenExpiresAt instanceof Date);
    await p.revokeToken(refreshed.refreshToken!);
    assert.equal(double.requests.at(-1)?.path, '/v2/oauth/revoke/');
    const revoke = new URLSearchParams(bodies.at(-1)!.body);
    assert.equal(revoke.get('client_key'), clientId);
    assert.equal(revoke.get('token'), refreshed.refreshToken);
    await assert.rejects(
      p.refreshAccessToken(refreshed.refreshToken!),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'invalid_grant',
    );
  });

  it('refuses http URLs that are not loopback', () => {
    assert.throws(
      () => tiktok({ clientId, clientSecret, apiURL: 'http://open.tiktokapis.com' }),
      TypeError,
    );
    assert.throws(
      () => tiktok({ clientId, clientSecret, authURL: 'http://www.tiktok.com' }),
      TypeError,
    );
  });
});
