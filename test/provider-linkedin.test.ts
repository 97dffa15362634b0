import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LatchkeyError } from '../src/core/errors.ts';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { linkedin } from '../src/providers/linkedin.ts';
import type { TestUser } from '../src/testing/preset.ts';
import { linkedinPreset } from '../src/testing/presets/linkedin.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = '77abcdefgh1234';
const clientSecret = 'WPL_AP1.linkedin-secret';
const redirectURI = 'https://app.example/auth/linkedin/callback';

let double: ProviderDouble;
let issuer: string;
/** Bodies of every token request the provider sent. */
const tokenBodies: URLSearchParams[] = [];
before(async () => {
  double = await startProviderDouble(linkedinPreset, { clients: [{ clientId, clientSecret }] });
  issuer = `${double.url}/oauth`;
});
after(() => double.close());

const recording: typeof fetch = async (input, init) => {
  if (String(input).endsWith('/v2/accessToken'))
    tokenBodies.push(new URLSearchParams(String(init?.body)));
  return fetch(input, init);
};

function provider(extra: Partial<Parameters<typeof linkedin>[0]> = {}) {
  return linkedin({ clientId, clientSecret, issuer, fetch: recording, ...extra });
}

async function signIn(p: ReturnType<typeof provider>) {
  const request = await p.createAuthorizationURL({ redirectURI });
  const callbackURL = await double.authorize(request.url);
  const tokens = await p.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
  });
  return { request, callbackURL, tokens };
}

const ada = {
  id: 'vaz8tJ1Aah',
  name: 'Ada Member',
  email: 'ada@linkedin.example',
  emailVerified: true,
  avatarURL: 'https://media.licdn.example/dms/image/ada',
} satisfies TestUser;

describe('linkedin provider', () => {
  it('builds the authorization URL: openid profile email, no nonce, no PKCE', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${issuer}/v2/authorization`);
    assert.equal(q.get('scope'), 'openid profile email');
    assert.equal(q.get('nonce'), null);
    assert.equal(request.nonce, null);
    assert.equal(q.get('code_challenge'), null);
    assert.equal(request.codeVerifier, null);
  });

  it('signs in: client_secret_post, comma scopes, verified ID token, user from /v2/userinfo', async () => {
    double.signInAs(ada);
    const p = provider();
    const before = Date.now();
    const { tokens } = await signIn(p);
    const body = tokenBodies.at(-1)!;
    assert.equal(body.get('client_secret'), clientSecret);
    assert.equal(body.has('code_verifier'), false);
    assert.deepEqual(tokens.scopes, ['openid', 'profile', 'email']);
    assert.equal(tokens.refreshToken, null);
    const days = (tokens.accessTokenExpiresAt!.getTime() - before) / 86_400_000;
    assert.ok(days > 59.9 && days < 60.1, 'about 60 days');
    assert.equal(tokens.idTokenClaims?.sub, ada.id);
    assert.equal(tokens.idTokenClaims?.nonce, undefined);
    const { profile, user } = await p.getUser(tokens);
    assert.equal(double.requests.at(-1)?.path, '/oauth/v2/userinfo');
    assert.deepEqual(profile, {
      providerUserId: 'vaz8tJ1Aah',
      email: 'ada@linkedin.example',
      emailVerified: true,
      name: 'Ada Member',
      username: null,
      avatarURL: 'https://media.licdn.example/dms/image/ada',
    });
    assert.deepEqual(user.locale, { country: 'US', language: 'en' });
  });

  it('an unverified or string-typed email_verified gives no email', async () => {
    const p = provider();
    double.signInAs({ ...ada, emailVerified: false });
    assert.equal((await p.getUser((await signIn(p)).tokens)).profile.email, null);
    double.signInAs({ ...ada, claims: { email_verified: 'true' } });
    assert.equal((await p.getUser((await signIn(p)).tokens)).profile.emailVerified, false);
  });

  it('pkce: true sends a code_verifier, which LinkedIn refuses as invalid_client', async () => {
    double.signInAs(ada);
    await assert.rejects(signIn(provider({ pkce: true })), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_client');
      assert.equal(e.status, 401);
      return true;
    });
    assert.ok(tokenBodies.at(-1)!.has('code_verifier'));
  });

  it('verifies the ID token issuer; errors are typed and carry no secrets', async () => {
    double.signInAs(ada);
    const p = provider();
    double.setIDTokenIssuer(() => 'https://www.linkedin.com');
    try {
      await assert.rejects(signIn(p), OAuthResponseError);
    } finally {
      double.setIDTokenIssuer(null);
    }
    const request = await p.createAuthorizationURL({ redirectURI });
    const callbackURL = await double.authorize(request.url);
    const code = callbackURL.searchParams.get('code')!;
    const options = {
      callbackURL,
      expectedState: request.state,
      redirectURI,
      codeVerifier: null,
      nonce: null,
    };
    await p.validateAuthorizationCode(options);
    await assert.rejects(p.validateAuthorizationCode(options), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_request');
      assert.match(e.errorDescription ?? '', /Unable to retrieve access token/);
      const dump = `${e.message} ${JSON.stringify(e)}`;
      assert.ok(!dump.includes(code) && !dump.includes(clientSecret));
      return true;
    });
  });

  it('no refresh, no revocation endpoint; a dead token at userinfo is a typed error', async () => {
    double.signInAs(ada);
    const p = provider();
    const { tokens } = await signIn(p);
    await assert.rejects(
      p.revokeToken(tokens.accessToken),
      (e: unknown) => e instanceof LatchkeyError && e.code === 'config',
    );
    double.failNext('userinfo', {
      status: 401,
      body: { serviceErrorCode: 65600, message: 'Invalid access token', status: 401 },
    });
    // Not RFC 6750 (no WWW-Authenticate): the userinfo client reports an invalid answer.
    await assert.rejects(p.getUser(tokens), (e: unknown) => {
      assert.ok(e instanceof OAuthResponseError);
      assert.ok(!JSON.stringify(e).includes(tokens.accessToken));
      return true;
    });
  });
});
