import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { facebook, type FacebookConfig } from '../src/providers/facebook.ts';
import { facebookPreset } from '../src/testing/presets/facebook.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = '123456789012345';
const clientSecret = 'fb-app-secret-0123456789abcdef';
const redirectURI = 'https://app.example/auth/facebook/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(facebookPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

/** Every URL the provider fetched (to check appsecret_proof on the wire). */
const fetched: { url: string; method: string }[] = [];
const recording: typeof fetch = (input, init) => {
  fetched.push({ url: String(input), method: init?.method ?? 'GET' });
  return fetch(input, init);
};

function provider(extra: Partial<FacebookConfig> = {}) {
  const urls = { webURL: double.url, graphURL: double.url };
  return facebook({ clientId, clientSecret, ...urls, fetch: recording, ...extra });
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

const zuck = {
  id: '10224567890123456',
  name: 'Mark Example',
  email: 'mark@example.com',
  emailVerified: true,
  avatarURL: 'https://platform-lookaside.fbsbx.com/platform/profilepic/?asid=1',
};

describe('facebook provider', () => {
  it('pins the Graph API version in every URL; public_profile email', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.origin + request.url.pathname, `${double.url}/v23.0/dialog/oauth`);
    assert.equal(q.get('scope'), 'public_profile email');
    assert.equal(q.get('code_challenge_method'), 'S256');
    const v24 = await provider({ graphVersion: 'v24.0' }).createAuthorizationURL({ redirectURI });
    assert.equal(v24.url.pathname, '/v24.0/dialog/oauth');
    assert.throws(() => provider({ graphVersion: '23.0' }), TypeError);
    assert.throws(() => provider({ graphVersion: 'v23.0/../x' }), TypeError);
  });

  it('exchanges the code, then reads /me with fields and appsecret_proof', async () => {
    double.signInAs(zuck);
    const p = provider();
    const tokens = await signIn(p);
    assert.equal(tokens.refreshToken, null, 'Facebook issues no refresh tokens');
    assert.equal(
      double.requests.findLast((r) => r.path === '/v23.0/oauth/access_token')?.clientAuthentication,
      'client_secret_post',
    );
    fetched.length = 0;
    const { profile, user } = await p.getUser(tokens);
    const proof = createHmac('sha256', clientSecret).update(tokens.accessToken).digest('hex');
    assert.deepEqual(fetched, [
      {
        url: `${double.url}/v23.0/me?fields=id%2Cname%2Cemail%2Cpicture&appsecret_proof=${proof}`,
        method: 'GET',
      },
    ]);
    // Facebook states no email verification it stands behind: the address stays in `user`.
    assert.deepEqual(profile, {
      providerUserId: zuck.id,
      email: null,
      emailVerified: false,
      name: 'Mark Example',
      username: null,
      avatarURL: zuck.avatarURL,
    });
    assert.equal(user.email, 'mark@example.com');
  });

  it('custom fields; a phone-only account has no email at all', async () => {
    double.signInAs({ id: '10001', name: 'Phone Only', email: null });
    const p = provider({ fields: ['id', 'name', 'picture'] });
    fetched.length = 0;
    const { user } = await p.getUser(await signIn(p));
    assert.match(
      fetched.at(-1)!.url,
      /\/me\?fields=id%2Cname%2Cpicture&appsecret_proof=[0-9a-f]{64}$/,
    );
    assert.equal(user.email, undefined);
  });

  it('reshapes Graph errors into typed RFC errors, without secrets', async () => {
    double.signInAs(zuck);
    const p = provider();
    const request = await p.createAuthorizationURL({ redirectURI });
    const callbackURL = await double.authorize(request.url);
    const options = { callbackURL, expectedState: request.state, redirectURI, nonce: null };
    await p.validateAuthorizationCode({ ...options, codeVerifier: request.codeVerifier });
    // The same code again: 100/36009 "This authorization code has been used."
    await assert.rejects(
      p.validateAuthorizationCode({ ...options, codeVerifier: request.codeVerifier }),
      (e: unknown) => {
        assert.ok(e instanceof OAuthRequestError, String(e));
        assert.equal(e.error, 'invalid_grant');
        assert.equal(e.errorDescription, 'This authorization code has been used.');
        assert.ok(!JSON.stringify(e).includes(callbackURL.searchParams.get('code')!));
        return true;
      },
    );
    await assert.rejects(signIn(provider({ clientSecret: 'wrong-app-secret' })), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_client');
      assert.ok(!`${e.message}${JSON.stringify(e)}`.includes('wrong-app-secret'));
      return true;
    });
    // A dead token at /me: code 190.
    const tokens = await signIn(p);
    await assert.rejects(p.getUser({ ...tokens, accessToken: 'not-a-token' }), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_token');
      assert.equal(e.status, 400);
      assert.equal(e.errorDescription, 'Invalid OAuth access token - Cannot parse access token');
      return true;
    });
    double.signInAs({ ...zuck, claims: { id: 10224567890123456 } });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
  });

  it('revokes by deleting the app’s permissions, with appsecret_proof', async () => {
    const calls: { url: string; method: string; auth: string | null }[] = [];
    const graph: typeof fetch = async (input, init) => {
      calls.push({
        url: String(input),
        method: init?.method ?? 'GET',
        auth: new Headers(init?.headers).get('authorization'),
      });
      return Response.json({ success: true });
    };
    const p = facebook({ clientId, clientSecret, fetch: graph });
    await p.revokeToken('EAAB-token');
    const proof = createHmac('sha256', clientSecret).update('EAAB-token').digest('hex');
    assert.deepEqual(calls, [
      {
        url: `https://graph.facebook.com/v23.0/me/permissions?appsecret_proof=${proof}`,
        method: 'DELETE',
        auth: 'Bearer EAAB-token',
      },
    ]);
    const failing: typeof fetch = async () =>
      Response.json(
        { error: { message: 'Error validating access token', code: 190 } },
        { status: 400 },
      );
    await assert.rejects(
      facebook({ clientId, clientSecret, fetch: failing }).revokeToken('t'),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'invalid_token',
    );
  });

  it('refuses a missing app secret and non-loopback http URLs', () => {
    assert.throws(() => facebook({ clientId } as FacebookConfig), TypeError);
    assert.throws(
      () => facebook({ clientId, clientSecret, graphURL: 'http://graph.facebook.com' }),
      TypeError,
    );
  });
});
