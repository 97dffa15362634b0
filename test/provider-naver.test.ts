import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthCallbackError, OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { naver } from '../src/providers/naver.ts';
import { naverPreset } from '../src/testing/presets/naver.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import type { TestUser } from '../src/testing/preset.ts';

const clientId = 'naver-client-id-0123';
const clientSecret = 'naver-secret-xyz';
const redirectURI = 'https://app.example/auth/naver/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(naverPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

/** Records every request body the provider sends. */
const bodies: string[] = [];
const recording: typeof fetch = async (input, init) => {
  bodies.push(String(init?.body ?? ''));
  return fetch(input, init);
};

function provider(extra: Partial<Parameters<typeof naver>[0]> = {}) {
  return naver({
    clientId,
    clientSecret,
    baseURL: double.url,
    apiURL: double.url,
    fetch: recording,
    ...extra,
  });
}

async function callback(p: ReturnType<typeof provider>) {
  const request = await p.createAuthorizationURL({ redirectURI });
  return { request, callbackURL: await double.authorize(request.url) };
}

async function signIn(p: ReturnType<typeof provider>) {
  const { request, callbackURL } = await callback(p);
  return p.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: null,
  });
}

const jisoo = {
  id: 'vYSoBy5W0OaWm0rVLXuw4k7Tz6mv8vtDfRqSpX0s0xw',
  name: '김지수',
  username: 'jisoo',
  email: 'jisoo@naver.com',
  emailVerified: true,
  avatarURL: 'https://phinf.pstatic.net/contact/jisoo.png',
} satisfies TestUser;

describe('naver provider', () => {
  it('builds the authorization URL: state, no PKCE, no scope', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.origin + request.url.pathname, `${double.url}/oauth2.0/authorize`);
    assert.ok(q.get('state'));
    assert.equal(q.get('scope'), null);
    assert.equal(q.get('code_challenge'), null);
    assert.equal(request.codeVerifier, null);
  });

  it('sends state with the code, reads a string expires_in, maps /v1/nid/me', async () => {
    double.signInAs(jisoo);
    const p = provider();
    const { request, callbackURL } = await callback(p);
    const tokens = await p.validateAuthorizationCode({
      callbackURL,
      expectedState: request.state,
      redirectURI,
      codeVerifier: null,
      nonce: null,
    });
    const sent = new URLSearchParams(bodies.at(-1));
    assert.equal(sent.get('state'), request.state);
    assert.equal(sent.get('client_secret'), clientSecret);
    assert.ok(tokens.accessTokenExpiresAt instanceof Date);
    assert.ok(Math.abs(tokens.accessTokenExpiresAt.getTime() - Date.now() - 3600_000) < 60_000);
    const { profile, user } = await p.getUser(tokens);
    assert.deepEqual(profile, {
      providerUserId: jisoo.id,
      email: null,
      emailVerified: false,
      name: '김지수',
      username: null,
      avatarURL: jisoo.avatarURL,
    });
    assert.equal(user.email, 'jisoo@naver.com', 'kept on the user, never verified');
    assert.equal(user.nickname, 'jisoo');
  });

  it('checks the callback before any request; HTTP 200 token errors are typed', async () => {
    double.signInAs(jisoo);
    const p = provider();
    const { request, callbackURL } = await callback(p);
    const count = double.requests.length;
    const options = {
      expectedState: 'another-state',
      redirectURI,
      codeVerifier: null,
      nonce: null,
    };
    await assert.rejects(
      p.validateAuthorizationCode({ ...options, callbackURL }),
      (e: unknown) => e instanceof OAuthCallbackError && e.reason === 'state_mismatch',
    );
    assert.equal(double.requests.length, count, 'nothing was fetched');
    const code = callbackURL.searchParams.get('code')!;
    callbackURL.searchParams.set('code', 'not-a-code');
    await assert.rejects(
      p.validateAuthorizationCode({ ...options, expectedState: request.state, callbackURL }),
      (e: unknown) => {
        assert.ok(e instanceof OAuthRequestError);
        assert.equal(e.status, 200);
        assert.equal(e.error, 'invalid_grant');
        assert.ok(!JSON.stringify(e).includes(clientSecret) && !JSON.stringify(e).includes(code));
        return true;
      },
    );
    const denied = new URL(callbackURL);
    denied.searchParams.delete('code');
    denied.searchParams.set('error', 'access_denied');
    await assert.rejects(
      p.validateAuthorizationCode({
        ...options,
        expectedState: request.state,
        callbackURL: denied,
      }),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'access_denied',
    );
  });

  it('a resultcode other than 00 is an error; a dead token is a typed 401', async () => {
    double.signInAs(jisoo);
    const p = provider();
    const tokens = await signIn(p);
    // An HTTP 200 answer whose resultcode is not "00" (Naver's own error codes).
    const odd = provider({
      fetch: async (input, init) =>
        String(input).endsWith('/v1/nid/me')
          ? Response.json({ resultcode: '028', message: 'Authentication header not exists' })
          : fetch(input, init),
    });
    await assert.rejects(odd.getUser(tokens), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'naver_028');
      return true;
    });
    await p.revokeToken(tokens.accessToken);
    await assert.rejects(p.getUser(tokens), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError && e.status === 401);
      assert.ok(!JSON.stringify(e).includes(tokens.accessToken));
      return true;
    });
    double.signInAs({ ...jisoo, claims: { id: 42 } });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
  });

  it('refresh keeps the refresh token; revocation is grant_type=delete', async () => {
    double.signInAs(jisoo);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.equal(refreshed.refreshToken, null);
    await p.revokeToken(refreshed.accessToken);
    const sent = new URLSearchParams(bodies.at(-1));
    assert.equal(sent.get('grant_type'), 'delete');
    assert.equal(sent.get('service_provider'), 'NAVER');
    assert.equal(sent.get('access_token'), refreshed.accessToken);
    assert.equal(double.requests.at(-1)?.path, '/oauth2.0/token');
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken!), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError && e.error === 'invalid_grant' && e.status === 200);
      return true;
    });
  });

  it('needs a client secret and https hosts', () => {
    assert.throws(() => naver({ clientId } as Parameters<typeof naver>[0]), TypeError);
    assert.throws(
      () => naver({ clientId, clientSecret, apiURL: 'http://openapi.naver.com' }),
      TypeError,
    );
  });
});
