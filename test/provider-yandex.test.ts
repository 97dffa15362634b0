import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LatchkeyError } from '../src/core/errors.ts';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { yandex } from '../src/providers/yandex.ts';
import { yandexPreset } from '../src/testing/presets/yandex.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import type { TestUser } from '../src/testing/preset.ts';

const clientId = 'yandex-client-id-0123456789';
const clientSecret = 'yandex-client-secret-abcdef';
const redirectURI = 'https://app.example/auth/yandex/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(yandexPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof yandex>[0]> = {}) {
  return yandex({ clientId, clientSecret, baseURL: double.url, apiURL: double.url, ...extra });
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

async function profileOf(user: TestUser, p = provider()) {
  double.signInAs(user);
  return (await p.getUser(await signIn(p))).profile;
}

const ivan = {
  id: '1000034426',
  username: 'ivan.petrov',
  name: 'Иван Петров',
  email: 'Ivan-Petrov@yandex.ru',
  avatarURL: '31804/BYkogAC6AoB17bN1HKRFAyKiM4-1',
} satisfies TestUser;

describe('yandex provider', () => {
  it('builds the authorization URL: login scopes, PKCE S256, device_id when configured', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.origin + request.url.pathname, `${double.url}/authorize`);
    assert.equal(q.get('scope'), 'login:info login:email login:avatar');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.equal(q.get('device_id'), null);
    const device = await provider({ deviceId: 'web-app-01' }).createAuthorizationURL({
      redirectURI,
    });
    assert.equal(device.url.searchParams.get('device_id'), 'web-app-01');
  });

  it('calls /info?format=json with Authorization: OAuth and maps the profile', async () => {
    double.signInAs(ivan);
    const p = provider();
    const tokens = await signIn(p);
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'client_secret_basic');
    const { profile, user } = await p.getUser(tokens);
    const info = double.requests.at(-1)!;
    assert.equal(info.path + info.query, '/info?format=json');
    assert.equal(info.headers.authorization, 'OAuth [redacted]');
    assert.deepEqual(profile, {
      providerUserId: '1000034426',
      email: 'Ivan-Petrov@yandex.ru',
      emailVerified: true,
      name: 'Иван Петров',
      username: 'ivan.petrov',
      avatarURL:
        'https://avatars.yandex.net/get-yapic/31804/BYkogAC6AoB17bN1HKRFAyKiM4-1/islands-200',
    });
    assert.equal(user.psuid, '1.1000034426.psuid');
  });

  it('only the account’s own Yandex mailbox is a verified email', async () => {
    const external = await profileOf({ ...ivan, email: 'ivan@gmail.example' });
    assert.deepEqual([external.email, external.emailVerified], [null, false]);
    const other = await profileOf({ ...ivan, email: 'someone.else@yandex.ru' });
    assert.equal(other.email, null, 'a Yandex mailbox of another login');
    const lookalike = await profileOf({ ...ivan, email: 'ivan-petrov@yandex.ru.evil.example' });
    assert.equal(lookalike.email, null);
    assert.equal((await profileOf({ ...ivan, email: 'ivan.petrov@ya.ru' })).emailVerified, true);
    const noScope = await profileOf(ivan, provider({ scopes: ['login:info'] }));
    assert.deepEqual([noScope.email, noScope.avatarURL], [null, null]);
  });

  it('an empty or odd avatar id gives no URL; a malformed user is refused', async () => {
    assert.equal((await profileOf({ ...ivan, avatarURL: null })).avatarURL, null);
    const odd = await profileOf({ ...ivan, avatarURL: '../../evil?x=1' });
    assert.equal(odd.avatarURL, null);
    await assert.rejects(profileOf({ ...ivan, claims: { id: 1000034426 } }), OAuthResponseError);
    await assert.rejects(profileOf({ ...ivan, claims: { login: null } }), OAuthResponseError);
  });

  it('refresh rotates; a dead token on /info is a typed 401', async () => {
    double.signInAs(ivan);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    const dead = { ...refreshed, accessToken: 'y0_dead-token-value' };
    await assert.rejects(p.getUser(dead), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.status, 401);
      assert.ok(!JSON.stringify(e).includes(dead.accessToken));
      return true;
    });
  });

  it('revokes only with a deviceId, at /revoke_token', async () => {
    double.signInAs(ivan);
    const plain = provider();
    await assert.rejects(
      plain.revokeToken((await signIn(plain)).accessToken),
      (e: unknown) => e instanceof LatchkeyError && e.code === 'config',
    );
    const p = provider({ deviceId: 'web-app-01' });
    const tokens = await signIn(p);
    await p.revokeToken(tokens.accessToken);
    assert.equal(double.requests.at(-1)?.path, '/revoke_token');
    assert.equal(double.isTokenActive(tokens.accessToken), false);
    const wrong = provider({ deviceId: 'web-app-01', clientSecret: 'wrong' });
    await assert.rejects(wrong.revokeToken('x'), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError && e.error === 'invalid_client');
      return true;
    });
  });
});
