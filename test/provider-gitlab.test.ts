import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthCallbackError, OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { gitlab } from '../src/providers/gitlab.ts';
import {
  gitlabPreset,
  startProviderDouble,
  type ProviderDouble,
  type TestUser,
} from '../src/testing/index.ts';

const clientId = 'c7f0e4b1d2a3gitlabappid';
const clientSecret = 'gloas-gitlab-client-secret';
const redirectURI = 'https://app.example/auth/gitlab/callback';

// GitLab's preset (Doorkeeper underneath): the issuer is the instance URL, including a relative
// URL root; `sub` is the numeric user id; `email_verified` in the ID token; refresh tokens rotate.
let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(gitlabPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof gitlab>[0]> = {}) {
  return gitlab({ clientId, clientSecret, baseURL: `${double.url}/gitlab`, ...extra });
}

async function signIn(p: ReturnType<typeof provider>) {
  const request = await p.createAuthorizationURL({ redirectURI });
  const callbackURL = await double.authorize(request.url);
  return p.validateAuthorizationCode({
    callbackURL,
    expectedState: request.state,
    redirectURI,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
  });
}

const jane = {
  id: '4242',
  name: 'Jane Doe',
  email: 'jane@example.com',
  emailVerified: true,
  avatarURL: 'https://gitlab.example/uploads/-/system/user/avatar/4242/avatar.png',
  claims: { nickname: 'jdoe', groups_direct: ['acme/platform'] },
} satisfies TestUser;

describe('gitlab provider', () => {
  it('builds the authorization URL at the self-managed instance', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${double.url}/gitlab/oauth/authorize`);
    assert.equal(q.get('scope'), 'openid profile email');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(q.get('nonce'), request.nonce);
    const api = await provider({
      scopes: ['openid', 'profile', 'email', 'read_user'],
    }).createAuthorizationURL({ redirectURI });
    assert.equal(api.url.searchParams.get('scope'), 'openid profile email read_user');
  });

  it('exchanges the code and maps the profile (id string, nickname, verified email)', async () => {
    double.signInAs(jane);
    const p = provider({ baseURL: `${double.url}/gitlab/` }); // trailing slash tolerated
    assert.equal(p.id, 'gitlab');
    assert.equal(p.issuer, `${double.url}/gitlab`);
    const tokens = await signIn(p);
    const { profile, user } = await p.getUser(tokens);
    assert.deepEqual(profile, {
      providerUserId: '4242',
      email: 'jane@example.com',
      emailVerified: true,
      name: 'Jane Doe',
      username: 'jdoe',
      avatarURL: 'https://gitlab.example/uploads/-/system/user/avatar/4242/avatar.png',
    });
    assert.deepEqual(user.groups_direct, ['acme/platform']);

    double.signInAs({
      id: '7',
      claims: { preferred_username: 'new', nickname: 'old', email: 'x@y.z', email_verified: false },
    });
    const other = await p.getUser(await signIn(p));
    assert.equal(other.profile.username, 'new');
    assert.equal(other.profile.email, null, 'unverified email dropped');
  });

  it('is bound to its own instance: gitlab.com and another instance are different issuers', async () => {
    double.signInAs(jane);
    await signIn(gitlab({ clientId, clientSecret, baseURL: double.url })); // the root instance
    try {
      double.setIDTokenIssuer((origin) => origin); // a token from the root instance...
      await assert.rejects(signIn(provider()), (e: unknown) => {
        assert.ok(e instanceof OAuthResponseError); // ...is not one from /gitlab
        assert.equal(e.reason, 'OAUTH_JWT_CLAIM_COMPARISON_FAILED');
        return true;
      });
    } finally {
      double.setIDTokenIssuer(null);
    }
    assert.throws(() => gitlab({ clientId, baseURL: 'http://gitlab.example.com' }), TypeError);
  });

  it('refresh rotates the refresh token; the old one is dead', async () => {
    double.signInAs(jane);
    const p = provider();
    const tokens = await signIn(p);
    const first = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(first.refreshToken && first.refreshToken !== tokens.refreshToken);
    const second = await p.refreshAccessToken(first.refreshToken);
    assert.ok(second.refreshToken && second.refreshToken !== first.refreshToken);
    await assert.rejects(p.refreshAccessToken(first.refreshToken), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_grant');
      const dump = `${e.message} ${e.errorDescription} ${JSON.stringify(e)}`;
      assert.ok(!dump.includes(first.refreshToken!) && !dump.includes(clientSecret));
      return true;
    });
    await p.revokeToken(second.refreshToken!);
    assert.equal(double.requests.at(-1)?.path, '/gitlab/oauth/revoke');
    await assert.rejects(p.refreshAccessToken(second.refreshToken!), OAuthRequestError);
  });

  it('turns error responses into typed errors', async () => {
    double.signInAs(jane);
    const p = provider();
    double.denyNext('access_denied');
    await assert.rejects(
      signIn(p),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'access_denied',
    );
    const request = await p.createAuthorizationURL({ redirectURI });
    const callbackURL = await double.authorize(request.url);
    const options = {
      callbackURL,
      redirectURI,
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
    };
    await assert.rejects(
      p.validateAuthorizationCode({ ...options, expectedState: 'other' }),
      OAuthCallbackError,
    );
    await p.validateAuthorizationCode({ ...options, expectedState: request.state });
    // The code is single use: a replay is refused by GitLab with invalid_grant.
    await assert.rejects(
      p.validateAuthorizationCode({ ...options, expectedState: request.state }),
      (e: unknown) => {
        assert.ok(e instanceof OAuthRequestError);
        assert.equal(e.error, 'invalid_grant');
        assert.ok(
          !`${e.message} ${JSON.stringify(e)}`.includes(callbackURL.searchParams.get('code')!),
        );
        return true;
      },
    );
  });
});
