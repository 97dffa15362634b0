import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { slack } from '../src/providers/slack.ts';
import type { TestUser } from '../src/testing/preset.ts';
import { slackPreset } from '../src/testing/presets/slack.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = '2141029472.691202649728';
const clientSecret = 'e1b9e11dfcd19c1982d5de12921e17e8c';
const redirectURI = 'https://app.example/auth/slack/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(slackPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof slack>[0]> = {}) {
  return slack({ clientId, clientSecret, issuer: double.url, ...extra });
}

async function signIn(p: ReturnType<typeof provider>) {
  const request = await p.createAuthorizationURL({ redirectURI });
  const callbackURL = await double.authorize(request.url);
  const options = { callbackURL, expectedState: request.state, redirectURI };
  const tokens = await p.validateAuthorizationCode({
    ...options,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
  });
  return { request, callbackURL, tokens };
}

const krane = {
  id: 'U0R7JM',
  email: 'krane@slack-corp.example',
  emailVerified: true,
  name: 'krane',
  avatarURL: 'https://secure.gravatar.example/krane.png',
  claims: { 'https://slack.com/team_id': 'T0R7GR', 'https://slack.com/team_name': 'kraneflannel' },
} satisfies TestUser;

describe('slack provider', () => {
  it('builds the authorization URL: openid profile email, nonce, the team hint', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${double.url}/openid/connect/authorize`);
    assert.equal(q.get('scope'), 'openid profile email');
    assert.equal(q.get('nonce'), request.nonce);
    assert.ok(request.nonce);
    assert.equal(q.get('team'), null);
    const pinned = await provider({ team: 'T0R7GR' }).createAuthorizationURL({ redirectURI });
    assert.equal(pinned.url.searchParams.get('team'), 'T0R7GR');
  });

  it('signs in: ID token with nonce, workspace-scoped id, verified email', async () => {
    double.signInAs(krane);
    const p = provider();
    const { tokens } = await signIn(p);
    assert.equal(tokens.refreshToken, null);
    assert.equal(tokens.accessTokenExpiresAt, null, 'Slack tokens do not expire by default');
    assert.equal(tokens.idTokenClaims?.['https://slack.com/team_id'], 'T0R7GR');
    const { profile, user } = await p.getUser(tokens);
    assert.equal(double.requests.at(-1)?.path, '/api/openid.connect.userInfo');
    assert.deepEqual(profile, {
      providerUserId: 'T0R7GR:U0R7JM',
      email: 'krane@slack-corp.example',
      emailVerified: true,
      name: 'krane',
      username: null,
      avatarURL: 'https://secure.gravatar.example/krane.png',
    });
    assert.equal(user['https://slack.com/team_name'], 'kraneflannel');

    double.signInAs({ ...krane, emailVerified: false });
    const unverified = (await p.getUser((await signIn(p)).tokens)).profile;
    assert.deepEqual([unverified.email, unverified.emailVerified], [null, false]);
  });

  it('the team option rejects a token from another workspace', async () => {
    double.signInAs({ ...krane, claims: { 'https://slack.com/team_id': 'T0OTHER' } });
    await assert.rejects(
      signIn(provider({ team: 'T0R7GR' })),
      (e: unknown) =>
        e instanceof OAuthResponseError && e.reason === 'https://slack.com/team_id_mismatch',
    );
    double.signInAs(krane);
    const { tokens } = await signIn(provider({ team: 't0r7gr' }));
    assert.ok(tokens.accessToken);
  });

  it('HTTP 200 {ok: false} token errors become typed OAuth errors without secrets', async () => {
    double.signInAs(krane);
    const p = provider();
    const { request, callbackURL } = await (async () => {
      const request = await p.createAuthorizationURL({ redirectURI });
      return { request, callbackURL: await double.authorize(request.url) };
    })();
    const code = callbackURL.searchParams.get('code')!;
    const options = { callbackURL, expectedState: request.state, redirectURI };
    await p.validateAuthorizationCode({
      ...options,
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
    });
    // The code again: Slack answers 200 {"ok": false, "error": "invalid_code"}.
    await assert.rejects(
      p.validateAuthorizationCode({
        ...options,
        codeVerifier: request.codeVerifier,
        nonce: request.nonce,
      }),
      (e: unknown) => {
        assert.ok(e instanceof OAuthRequestError);
        assert.equal(e.error, 'invalid_code');
        assert.equal(e.status, 200);
        const dump = `${e.message} ${JSON.stringify(e)}`;
        assert.ok(!dump.includes(code) && !dump.includes(clientSecret));
        return true;
      },
    );
    const wrong = slack({ clientId, clientSecret: 'not-the-secret', issuer: double.url });
    await assert.rejects(
      signIn(wrong),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'bad_client_secret',
    );
  });

  it('a dead token at userInfo (200 invalid_auth) is an OAuthRequestError', async () => {
    double.signInAs(krane);
    const p = provider();
    const { tokens } = await signIn(p);
    double.failNext('userinfo', { status: 200, body: { ok: false, error: 'invalid_auth' } });
    await assert.rejects(
      p.getUser(tokens),
      (e: unknown) =>
        e instanceof OAuthRequestError && e.error === 'invalid_auth' && e.status === 200,
    );
    // Without the workspace claim there is no account key.
    double.signInAs({ ...krane, claims: { 'https://slack.com/team_id': '' } });
    await assert.rejects(p.getUser((await signIn(p)).tokens), OAuthResponseError);
  });

  it('sends client_secret_post and refuses a non-https issuer', async () => {
    double.signInAs(krane);
    await signIn(provider());
    const token = double.requests.find((r) => r.path === '/api/openid.connect.token');
    assert.equal(token?.clientAuthentication, 'client_secret_post');
    assert.throws(() => slack({ clientId, clientSecret, issuer: 'http://slack.com' }), TypeError);
  });
});
