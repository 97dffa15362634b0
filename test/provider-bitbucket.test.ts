import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { bitbucket } from '../src/providers/bitbucket.ts';
import { bitbucketPreset } from '../src/testing/presets/bitbucket.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = 'bbConsumerKey123';
const clientSecret = 'bbConsumerSecret456xyz';
const redirectURI = 'https://app.example/auth/bitbucket/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(bitbucketPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof bitbucket>[0]> = {}) {
  return bitbucket({ clientId, clientSecret, baseURL: double.url, apiURL: double.url, ...extra });
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
    scopes: p.defaultScopes,
  });
}

const uuid = '{d301aafa-d676-4ee0-88be-962be7417567}';
const ada = {
  id: uuid,
  name: 'Ada Lovelace',
  username: 'ada',
  email: 'ada@example.com',
  emailVerified: true,
  avatarURL: 'https://avatar-management.example/ada.png',
};

describe('bitbucket provider', () => {
  it('builds the authorization URL at bitbucket.org/site/oauth2', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    assert.equal(request.url.href.split('?')[0], `${double.url}/site/oauth2/authorize`);
    assert.equal(request.url.searchParams.get('scope'), 'account email');
    assert.equal(request.url.searchParams.get('code_challenge_method'), 'S256');
    const live = await bitbucket({ clientId, clientSecret }).createAuthorizationURL({
      redirectURI,
    });
    assert.equal(
      live.url.origin + live.url.pathname,
      'https://bitbucket.org/site/oauth2/authorize',
    );
  });

  it('exchanges the code with HTTP Basic; `scopes` (plural) is not read as a grant', async () => {
    double.signInAs(ada);
    const tokens = await signIn(provider());
    const exchange = double.requests.findLast((r) => r.path === '/site/oauth2/access_token');
    assert.equal(exchange?.clientAuthentication, 'client_secret_basic');
    assert.equal(tokens.scopesReported, false);
    assert.deepEqual(tokens.scopes, ['account', 'email']);
    assert.ok(tokens.refreshToken);
    assert.equal(tokens.tokenType.toLowerCase(), 'bearer');
  });

  it('maps /2.0/user (braced uuid) and the confirmed primary email', async () => {
    double.signInAs(ada);
    const p = provider();
    const { profile, user } = await p.getUser(await signIn(p));
    assert.deepEqual(profile, {
      providerUserId: uuid,
      email: 'ada@example.com',
      emailVerified: true,
      name: 'Ada Lovelace',
      username: 'ada',
      avatarURL: 'https://avatar-management.example/ada.png',
    });
    assert.match(String(user.account_id), /^557058:/);
    assert.equal(double.requests.at(-1)?.path, '/2.0/user/emails');
    assert.equal(double.requests.at(-1)?.query, '?pagelen=100');
  });

  it('an unconfirmed primary, or a confirmed non-primary, is no email', async () => {
    const p = provider();
    double.signInAs({ ...ada, emailVerified: false });
    assert.equal((await p.getUser(await signIn(p))).profile.email, null);
    double.signInAs({
      ...ada,
      claims: {
        emails: [
          { email: 'old@example.com', is_primary: true, is_confirmed: false },
          { email: 'other@example.com', is_primary: false, is_confirmed: true },
        ],
      },
    });
    const none = (await p.getUser(await signIn(p))).profile;
    assert.equal(none.email, null);
    assert.equal(none.emailVerified, false);
    // Without the email scope /user/emails answers 403: a profile without email, not an error.
    double.signInAs(ada);
    const q = provider({ scopes: ['account'] });
    const { profile } = await q.getUser(await signIn(q));
    assert.equal(profile.providerUserId, uuid);
    assert.equal(profile.email, null);
  });

  it('refresh keeps working; errors are typed and carry no secrets', async () => {
    double.signInAs(ada);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.notEqual(refreshed.accessToken, tokens.accessToken);
    await assert.rejects(p.refreshAccessToken('not-a-refresh-token'), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_grant');
      assert.ok(!JSON.stringify(e).includes(clientSecret));
      return true;
    });
    double.failNext('userinfo', {
      status: 401,
      body: { type: 'error', error: { message: 'Access token expired.' } },
    });
    await assert.rejects(
      p.getUser(tokens),
      (e: unknown) => e instanceof OAuthRequestError && e.status === 401,
    );
    double.signInAs({ ...ada, id: 'd301aafa-d676-4ee0-88be-962be7417567' }); // no braces
    await assert.rejects(p.getUser(await signIn(p)), OAuthResponseError);
  });
});
