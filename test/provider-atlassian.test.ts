import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LatchkeyError } from '../src/core/errors.ts';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { atlassian } from '../src/providers/atlassian.ts';
import { atlassianPreset } from '../src/testing/presets/atlassian.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = 'atl-3lo-client-id';
const clientSecret = 'atl-3lo-client-secret-xyz';
const redirectURI = 'https://app.example/auth/atlassian/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(atlassianPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof atlassian>[0]> = {}) {
  return atlassian({ clientId, clientSecret, authURL: double.url, apiURL: double.url, ...extra });
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

const mia = {
  id: '557057:4f9acfd2-6155-419b-8de5-5b5cf27a59a0',
  name: 'Mia Krystof',
  username: 'mkrystof',
  email: 'mia@example.com',
  avatarURL: 'https://avatar-management.example/557057/mia.png',
};

describe('atlassian provider', () => {
  it('builds the 3LO authorization URL: audience, prompt=consent, scopes, PKCE', async () => {
    const p = provider();
    assert.equal(p.issuer, double.url);
    const request = await p.createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${double.url}/authorize`);
    assert.equal(q.get('audience'), 'api.atlassian.com');
    assert.equal(q.get('prompt'), 'consent');
    assert.equal(q.get('scope'), 'read:me offline_access');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(q.get('nonce'), null);
    const real = atlassian({ clientId, clientSecret });
    const live = await real.createAuthorizationURL({ redirectURI });
    assert.equal(live.url.origin + live.url.pathname, 'https://auth.atlassian.com/authorize');
  });

  it('maps /me; the email is dropped unless a verification flag says true', async () => {
    double.signInAs(mia);
    const p = provider();
    const tokens = await signIn(p);
    assert.deepEqual(tokens.scopes, ['read:me', 'offline_access']);
    const { profile, user } = await p.getUser(tokens);
    assert.deepEqual(profile, {
      providerUserId: mia.id,
      email: null,
      emailVerified: false,
      name: 'Mia Krystof',
      username: 'mkrystof',
      avatarURL: mia.avatarURL,
    });
    assert.equal(user.email, 'mia@example.com', 'still on the raw user');
    assert.equal(double.requests.at(-1)?.path, '/me');
    double.signInAs({ ...mia, claims: { email_verified: true } });
    const verified = (await p.getUser(await signIn(p))).profile;
    assert.equal(verified.email, 'mia@example.com');
    assert.equal(verified.emailVerified, true);
  });

  it('refresh rotates; replaying a rotated token kills the whole grant', async () => {
    double.signInAs(mia);
    const p = provider();
    const tokens = await signIn(p);
    assert.ok(tokens.refreshToken);
    const first = await p.refreshAccessToken(tokens.refreshToken);
    assert.ok(first.refreshToken && first.refreshToken !== tokens.refreshToken);
    await assert.rejects(p.refreshAccessToken(tokens.refreshToken), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_grant');
      assert.ok(!JSON.stringify(e).includes(tokens.refreshToken!));
      return true;
    });
    // Reuse detection: the newest refresh token is dead too.
    await assert.rejects(p.refreshAccessToken(first.refreshToken), OAuthRequestError);
    assert.equal(double.isTokenActive(first.accessToken), false);
  });

  it('no refresh token without offline_access; no revocation endpoint', async () => {
    double.signInAs(mia);
    const p = provider({ scopes: ['read:me'] });
    const tokens = await signIn(p);
    assert.equal(tokens.refreshToken, null);
    await assert.rejects(
      p.revokeToken(tokens.accessToken),
      (e: unknown) => e instanceof LatchkeyError && e.code === 'config',
    );
  });

  it('typed errors: denied consent, dead token, malformed account', async () => {
    double.signInAs(mia);
    const p = provider();
    double.denyNext('access_denied');
    await assert.rejects(
      signIn(p),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'access_denied',
    );
    const tokens = await signIn(p);
    double.failNext('userinfo', { status: 401, body: { code: 401, message: 'Unauthorized' } });
    await assert.rejects(
      p.getUser(tokens),
      (e: unknown) => e instanceof OAuthRequestError && e.status === 401,
    );
    double.signInAs({ ...mia, claims: { account_id: 'bad id with spaces' } });
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
    assert.throws(
      () => atlassian({ clientId, clientSecret, apiURL: 'http://api.atlassian.com' }),
      TypeError,
    );
  });
});
