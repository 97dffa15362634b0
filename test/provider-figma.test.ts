import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LatchkeyError } from '../src/core/errors.ts';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { figma } from '../src/providers/figma.ts';
import { figmaPreset } from '../src/testing/presets/figma.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = 'figmaClientId42';
const clientSecret = 'figmaClientSecret42xyz';
const redirectURI = 'https://app.example/auth/figma/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(figmaPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof figma>[0]> = {}) {
  return figma({ clientId, clientSecret, baseURL: double.url, apiURL: double.url, ...extra });
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

const dylan = {
  id: '1234567890123456789',
  username: 'dylan',
  email: 'dylan@example.com',
  emailVerified: true, // ignored: Figma has no verification flag
  avatarURL: 'https://s3-alpha.figma.example/profile/dylan.png',
};

describe('figma provider', () => {
  it('builds the authorization URL at www.figma.com/oauth with current_user:read', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    assert.equal(request.url.href.split('?')[0], `${double.url}/oauth`);
    assert.equal(request.url.searchParams.get('scope'), 'current_user:read');
    const live = await figma({ clientId, clientSecret }).createAuthorizationURL({ redirectURI });
    assert.equal(live.url.origin + live.url.pathname, 'https://www.figma.com/oauth');
  });

  it('exchanges the code with Basic auth at /v1/oauth/token and maps /v1/me', async () => {
    double.signInAs(dylan);
    const p = provider();
    const tokens = await signIn(p);
    const exchange = double.requests.findLast((r) => r.path === '/v1/oauth/token');
    assert.equal(exchange?.clientAuthentication, 'client_secret_basic');
    assert.ok(tokens.refreshToken);
    const { profile, user } = await p.getUser(tokens);
    assert.deepEqual(profile, {
      providerUserId: '1234567890123456789',
      email: null,
      emailVerified: false,
      name: 'dylan',
      username: 'dylan',
      avatarURL: dylan.avatarURL,
    });
    assert.equal(user.email, 'dylan@example.com', 'kept on the raw user only');
  });

  it('refreshes at /v1/oauth/refresh; the refresh token is kept, not rotated', async () => {
    double.signInAs(dylan);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    const call = double.requests.at(-1)!;
    assert.equal(call.path, '/v1/oauth/refresh');
    assert.equal(call.clientAuthentication, 'client_secret_basic');
    assert.equal(refreshed.refreshToken, null);
    assert.notEqual(refreshed.accessToken, tokens.accessToken);
    assert.ok(await p.refreshAccessToken(tokens.refreshToken!), 'still usable');
  });

  it('turns {error: true, message} answers into OAuthRequestError', async () => {
    double.signInAs(dylan);
    const p = provider();
    await assert.rejects(p.refreshAccessToken('not-a-refresh-token'), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'http_400');
      assert.equal(e.status, 400);
      assert.equal(e.errorDescription, 'Invalid refresh token');
      return true;
    });
    const wrong = provider({ clientSecret: 'wrong-secret-value' });
    await assert.rejects(signIn(wrong), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.status, 401);
      assert.ok(!JSON.stringify(e).includes('wrong-secret-value'));
      return true;
    });
  });

  it('no revocation endpoint; a dead token or a bad profile is a typed error', async () => {
    double.signInAs(dylan);
    const p = provider();
    const tokens = await signIn(p);
    await assert.rejects(
      p.revokeToken(tokens.accessToken),
      (e: unknown) => e instanceof LatchkeyError && e.code === 'config',
    );
    double.failNext('userinfo', { status: 403, body: { status: 403, err: 'Invalid token' } });
    await assert.rejects(
      p.getUser(tokens),
      (e: unknown) => e instanceof OAuthRequestError && e.status === 403,
    );
    double.signInAs({ ...dylan, claims: { id: 1234 } }); // a number, not a string
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
  });
});
