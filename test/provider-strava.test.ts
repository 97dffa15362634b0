import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { strava } from '../src/providers/strava.ts';
import { stravaPreset } from '../src/testing/presets/strava.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = '12345';
const clientSecret = 'strava-client-secret-xyz';
const redirectURI = 'https://app.example/auth/strava/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(stravaPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof strava>[0]> = {}) {
  return strava({ clientId, clientSecret, baseURL: double.url, ...extra });
}

async function signIn(p: ReturnType<typeof provider>, edit: (u: URL) => void = () => {}) {
  const request = await p.createAuthorizationURL({ redirectURI });
  const callbackURL = await double.authorize(request.url);
  edit(callbackURL);
  return p.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: null,
    scopes: p.defaultScopes,
  });
}

const marianne = {
  id: '134815',
  name: 'Marianne V',
  username: 'marianne_v',
  avatarURL: 'https://dgalywyr863hv.cloudfront.example/pictures/athletes/134815/large.jpg',
};

describe('strava provider', () => {
  it('builds the authorization URL: comma scopes, approval_prompt', async () => {
    const p = provider({ scopes: ['read', 'activity:read_all'], approvalPrompt: 'force' });
    assert.equal(p.issuer, double.url);
    const request = await p.createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${double.url}/oauth/authorize`);
    assert.equal(q.get('client_id'), clientId);
    assert.equal(q.get('scope'), 'read,activity:read_all');
    assert.equal(q.get('approval_prompt'), 'force');
    assert.equal(q.get('response_type'), 'code');
    const plain = await provider().createAuthorizationURL({ redirectURI });
    assert.equal(plain.url.searchParams.get('scope'), 'read');
    assert.equal(plain.url.searchParams.has('approval_prompt'), false);
  });

  it('exchanges the code (secret in the body) and maps the athlete', async () => {
    double.signInAs(marianne);
    const p = provider();
    const tokens = await signIn(p);
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'client_secret_post');
    // No `scope` in Strava's answer and none on this callback: the requested ones (RFC 6749 §5.1).
    assert.deepEqual(tokens.scopes, ['read']);
    assert.equal(tokens.scopesReported, false);
    const { profile, user } = await p.getUser(tokens);
    assert.equal(double.requests.at(-1)?.path, '/api/v3/athlete');
    assert.deepEqual(profile, {
      providerUserId: '134815',
      email: null,
      emailVerified: false,
      name: 'Marianne V',
      username: 'marianne_v',
      avatarURL: marianne.avatarURL,
    });
    assert.equal(user.id, 134815);

    // No photo: Strava's relative placeholder is not a URL; no username, no lastname.
    double.signInAs({ id: '7', name: 'Solo' });
    const bare = (await p.getUser(await signIn(p))).profile;
    assert.deepEqual([bare.avatarURL, bare.username, bare.name], [null, null, 'Solo']);
  });

  it('the callback scope is what the athlete granted', async () => {
    double.signInAs(marianne);
    const p = provider({ scopes: ['read', 'activity:read_all'] });
    const tokens = await signIn(p, (u) => u.searchParams.set('scope', 'read,activity:read'));
    assert.deepEqual(tokens.scopes, ['read', 'activity:read']);
    assert.equal(tokens.scopesReported, true);
  });

  it('token faults are typed OAuth errors; a bad athlete is an invalid response', async () => {
    double.signInAs(marianne);
    const p = provider();
    const request = await p.createAuthorizationURL({ redirectURI });
    const callbackURL = await double.authorize(request.url);
    const options = { callbackURL, expectedState: request.state, redirectURI, nonce: null };
    const code = callbackURL.searchParams.get('code')!;
    await p.validateAuthorizationCode({ ...options, codeVerifier: request.codeVerifier });
    await assert.rejects(
      p.validateAuthorizationCode({ ...options, codeVerifier: request.codeVerifier }),
      (e: unknown) => {
        assert.ok(e instanceof OAuthRequestError);
        assert.equal(e.error, 'invalid_grant');
        assert.equal(e.status, 400);
        assert.equal(e.errorDescription, 'Bad Request: AuthorizationCode.code invalid');
        assert.ok(!JSON.stringify(e).includes(code) && !e.message.includes(clientSecret));
        return true;
      },
    );
    await assert.rejects(
      signIn(provider({ clientSecret: 'wrong' })),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'invalid_client',
    );
    double.signInAs({ ...marianne, claims: { id: 'not-a-number' } });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
  });

  it('refresh rotates; deauthorize ends every token of the athlete', async () => {
    double.signInAs(marianne);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    await assert.rejects(
      p.refreshAccessToken(tokens.refreshToken!),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'invalid_grant',
    );
    await p.revokeToken(refreshed.accessToken);
    const sent = double.requests.at(-1)!;
    assert.equal(sent.path, '/oauth/deauthorize');
    assert.equal(sent.clientAuthentication, null, 'no client credentials');
    await assert.rejects(p.getUser(refreshed), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.status, 401);
      assert.equal(e.errorDescription, 'Authorization Error');
      return true;
    });
    await assert.rejects(p.refreshAccessToken(refreshed.refreshToken!), OAuthRequestError);
  });

  it('refuses an http base URL that is not loopback', () => {
    assert.throws(
      () => strava({ clientId, clientSecret, baseURL: 'http://www.strava.com' }),
      TypeError,
    );
  });
});
