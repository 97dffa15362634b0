import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OAuthRequestError, OAuthResponseError } from '../src/oauth/errors.ts';
import { notion, type NotionTokenExtra } from '../src/providers/notion.ts';
import { notionPreset } from '../src/testing/presets/notion.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';

const clientId = '1f2d872b-594c-80a9-notion-client';
const clientSecret = 'secret_notion_oauth_xyz';
const redirectURI = 'https://app.example/auth/notion/callback';

let double: ProviderDouble;
before(async () => {
  double = await startProviderDouble(notionPreset, { clients: [{ clientId, clientSecret }] });
});
after(() => double.close());

function provider(extra: Partial<Parameters<typeof notion>[0]> = {}) {
  return notion({ clientId, clientSecret, baseURL: double.url, ...extra });
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

const ada = {
  id: 'e79a0b74-3aba-4149-9f74-0bb5791a6ee6',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  emailVerified: true, // ignored: Notion says nothing about verification
  avatarURL: 'https://s3.notion.example/ada.png',
};

type Extra = { extra: Partial<NotionTokenExtra> };

describe('notion provider', () => {
  it('builds the authorization URL: owner=user, no scope', async () => {
    const request = await provider().createAuthorizationURL({ redirectURI });
    const q = request.url.searchParams;
    assert.equal(request.url.href.split('?')[0], `${double.url}/v1/oauth/authorize`);
    assert.equal(q.get('owner'), 'user');
    assert.equal(q.get('scope'), null);
    assert.equal(q.get('response_type'), 'code');
  });

  it('exchanges the code with Basic auth and a JSON body; keeps workspace and bot ids', async () => {
    double.signInAs(ada);
    const tokens = (await signIn(provider())) as Awaited<ReturnType<typeof signIn>> & Extra;
    const exchange = double.requests.findLast((r) => r.path === '/v1/oauth/token')!;
    assert.equal(exchange.clientAuthentication, 'client_secret_basic');
    assert.equal(exchange.headers['content-type'], 'application/json');
    assert.equal(exchange.headers['notion-version'], '2025-09-03');
    assert.equal(tokens.extra.workspace_id, 'f565e4d7-2882-41b5-864a-339d9bc36f7a');
    assert.equal(tokens.extra.bot_id, 'b3414d65-9122-45e7-8ffa-cc9d8773d601');
    assert.equal(tokens.extra.workspace_name, "Ada's Notion Workspace");
    assert.equal(tokens.accessTokenExpiresAt, null);
    assert.ok(!JSON.stringify(tokens.extra).includes(tokens.accessToken));
  });

  it('the user is owner.user of the token answer; its email is never verified', async () => {
    double.signInAs(ada);
    const p = provider();
    const tokens = await signIn(p);
    const before = double.requests.length;
    const { profile, user } = await p.getUser(tokens);
    assert.equal(double.requests.length, before, 'no API call');
    assert.deepEqual(profile, {
      providerUserId: ada.id,
      email: null,
      emailVerified: false,
      name: 'Ada Lovelace',
      username: null,
      avatarURL: ada.avatarURL,
    });
    assert.equal(user.person?.email, 'ada@example.com');
  });

  it('without the token answer (or a workspace owner) there is no user', async () => {
    double.signInAs(ada);
    const p = provider();
    const tokens = await signIn(p);
    const { extra: _gone, ...bare } = tokens as typeof tokens & Extra;
    await assert.rejects(p.getUser(bare), OAuthResponseError);
    const workspace = { ...tokens, extra: { owner: { type: 'workspace', workspace: true } } };
    await assert.rejects(p.getUser(workspace as typeof tokens), OAuthResponseError);
  });

  it('refresh rotates and keeps the owner; revocation is JSON too', async () => {
    double.signInAs(ada);
    const p = provider();
    const tokens = await signIn(p);
    const refreshed = await p.refreshAccessToken(tokens.refreshToken!);
    assert.ok(refreshed.refreshToken && refreshed.refreshToken !== tokens.refreshToken);
    assert.equal((await p.getUser(refreshed)).profile.providerUserId, ada.id);
    await assert.rejects(
      p.refreshAccessToken(tokens.refreshToken!),
      (e: unknown) => e instanceof OAuthRequestError && e.error === 'invalid_grant',
    );
    await p.revokeToken(refreshed.refreshToken!);
    const revoke = double.requests.at(-1)!;
    assert.equal(revoke.path, '/v1/oauth/revoke');
    assert.equal(revoke.headers['content-type'], 'application/json');
    assert.equal(revoke.clientAuthentication, 'client_secret_basic');
    await assert.rejects(p.refreshAccessToken(refreshed.refreshToken!), OAuthRequestError);
  });

  it('a wrong secret is invalid_client, without the secret in the error', async () => {
    double.signInAs(ada);
    const p = provider({ clientSecret: 'secret_wrong_value' });
    await assert.rejects(signIn(p), (e: unknown) => {
      assert.ok(e instanceof OAuthRequestError);
      assert.equal(e.error, 'invalid_client');
      assert.ok(!JSON.stringify(e).includes('secret_wrong_value'));
      return true;
    });
  });
});
