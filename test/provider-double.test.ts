// The configurable provider double itself, capability by capability, over raw HTTP (so each
// protocol rule is checked without latchkey's client in between), plus its clickable sign-in
// page and form_post answer in real Chromium.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  SignJWT,
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type JSONWebKeySet,
} from 'jose';
import { chromium } from 'playwright-core';
import { github } from '../src/providers/github.ts';
import { oidc } from '../src/providers/oidc.ts';
import {
  discordPreset,
  githubPreset,
  gitlabPreset,
  googlePreset,
  oauth2Preset,
  oidcPreset,
  startProviderDouble,
  type ProviderDouble,
  type ProviderPreset,
} from '../src/testing/index.ts';

const redirectURI = 'https://app.example/callback';
const alice = { id: 'alice-1', name: 'Alice', email: 'alice@example.com', emailVerified: true };

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** GET authorize with `params` (client_id `app`, code flow by default); the raw answer. */
function authorizeRaw(double: ProviderDouble, params: Record<string, string>): Promise<Response> {
  const url = new URL(double.url + double.preset.paths.authorize);
  const all = { client_id: 'app', response_type: 'code', redirect_uri: redirectURI, ...params };
  for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
  return fetch(url, { redirect: 'manual' });
}

async function code(double: ProviderDouble, params: Record<string, string> = {}): Promise<string> {
  const response = await authorizeRaw(double, { state: 's1', ...params });
  const location = new URL(response.headers.get('location') ?? 'about:blank');
  const value = location.searchParams.get('code');
  assert.ok(value, `a code, got ${location.href}`);
  return value;
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

async function post(
  double: ProviderDouble,
  path: string,
  body: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; json: Record<string, unknown>; text: string }> {
  const response = await fetch(double.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  let json: Record<string, unknown> = {};
  if (type.includes('json') && text !== '') json = JSON.parse(text);
  else if (type.includes('x-www-form-urlencoded'))
    json = Object.fromEntries(new URLSearchParams(text));
  return { status: response.status, type, json, text };
}

function exchange(
  double: ProviderDouble,
  body: Record<string, string>,
  headers: Record<string, string> = { authorization: basic('app', 'app-secret') },
) {
  return post(
    double,
    double.preset.paths.token,
    { grant_type: 'authorization_code', redirect_uri: redirectURI, ...body },
    headers,
  );
}

function refresh(double: ProviderDouble, refreshToken: string) {
  return post(
    double,
    double.preset.paths.token,
    { grant_type: 'refresh_token', refresh_token: refreshToken },
    { authorization: basic('app', 'app-secret') },
  );
}

async function start(preset: ProviderPreset): Promise<ProviderDouble> {
  return startProviderDouble(preset, {
    clients: [{ clientId: 'app', clientSecret: 'app-secret' }],
    users: [alice],
  });
}

describe('provider double: authorize', () => {
  it('auto-approves as the first user, or as the scripted one; state and iss come back', async () => {
    await using double = await start(oidcPreset);
    const first = new URL((await authorizeRaw(double, { state: 'xyz' })).headers.get('location')!);
    assert.equal(first.origin + first.pathname, redirectURI);
    assert.equal(first.searchParams.get('state'), 'xyz');
    assert.equal(first.searchParams.get('iss'), double.issuer);
    double.signInAs({ id: 'bob-2', name: 'Bob' });
    const tokens = await exchange(double, {
      code: await code(double, { scope: 'openid profile' }),
    });
    const claims = JSON.parse(
      Buffer.from(String(tokens.json.id_token).split('.')[1]!, 'base64url').toString(),
    );
    assert.equal(claims.sub, 'bob-2');
    assert.equal(claims.name, 'Bob');
    assert.throws(() => double.signInAs('nobody'), TypeError);
  });

  it('denies on request; refuses unknown clients and unregistered redirect URIs with a page', async () => {
    await using double = await startProviderDouble(oauth2Preset, {
      clients: [{ clientId: 'app', clientSecret: 's', redirectURIs: [redirectURI] }],
      users: [alice],
    });
    double.denyNext('access_denied', 'The user said no.');
    const denied = new URL((await authorizeRaw(double, { state: 'q' })).headers.get('location')!);
    assert.equal(denied.searchParams.get('error'), 'access_denied');
    assert.equal(denied.searchParams.get('error_description'), 'The user said no.');
    assert.equal(denied.searchParams.get('state'), 'q');
    assert.ok((await authorizeRaw(double, {})).headers.get('location')?.includes('code='));

    for (const params of [
      { client_id: 'other' },
      { redirect_uri: 'https://evil.example/cb' },
    ] as Record<string, string>[]) {
      const response = await authorizeRaw(double, params);
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('location'), null, 'never a redirect');
      assert.match(response.headers.get('content-type')!, /text\/html/);
    }
    const token = new URL(
      (await authorizeRaw(double, { response_type: 'token' })).headers.get('location')!,
    );
    assert.equal(token.searchParams.get('error'), 'unsupported_response_type');
  });

  it('PKCE: required presets refuse a request without it; a wrong verifier is invalid_grant', async () => {
    await using double = await start({ ...oauth2Preset, pkce: 'required' });
    const missing = new URL((await authorizeRaw(double, {})).headers.get('location')!);
    assert.equal(missing.searchParams.get('error'), 'invalid_request');
    const plain = new URL(
      (
        await authorizeRaw(double, {
          code_challenge: 'a'.repeat(43),
          code_challenge_method: 'plain',
        })
      ).headers.get('location')!,
    );
    assert.equal(plain.searchParams.get('error'), 'invalid_request', 'plain is not accepted');

    const { verifier, challenge } = pkce();
    const withPKCE = { code_challenge: challenge, code_challenge_method: 'S256' };
    const wrong = await exchange(double, {
      code: await code(double, withPKCE),
      code_verifier: pkce().verifier,
    });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json.error, 'invalid_grant');
    const right = await exchange(double, {
      code: await code(double, withPKCE),
      code_verifier: verifier,
    });
    assert.equal(right.status, 200);
  });

  it('answers with response_mode=form_post where the preset allows it', async () => {
    await using double = await start(oidcPreset);
    const response = await authorizeRaw(double, { response_mode: 'form_post', state: 'fp' });
    assert.equal(response.status, 200);
    const page = await response.text();
    assert.match(page, new RegExp(`<form method="post" action="${redirectURI}">`));
    assert.match(page, /name="code" value="[^"]+"/);
    assert.match(page, /name="state" value="fp"/);
    await using plain = await start(gitlabPreset);
    const refused = new URL(
      (await authorizeRaw(plain, { response_mode: 'form_post' })).headers.get('location')!,
    );
    assert.equal(refused.searchParams.get('error'), 'invalid_request');
  });
});

describe('provider double: token endpoint', () => {
  it('authenticates clients with Basic, the body, or nothing (public clients)', async () => {
    await using double = await startProviderDouble(oauth2Preset, {
      clients: [
        { clientId: 'app', clientSecret: 'app-secret' },
        { clientId: 'spa', clientSecret: null },
      ],
      users: [alice],
    });
    const viaBasic = await exchange(double, { code: await code(double) });
    assert.equal(viaBasic.status, 200);
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'client_secret_basic');
    assert.equal(double.requests.at(-1)?.headers.authorization, 'Basic [redacted]');
    const viaBody = await exchange(
      double,
      { code: await code(double), client_id: 'app', client_secret: 'app-secret' },
      {},
    );
    assert.equal(viaBody.status, 200);
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'client_secret_post');
    const pub = await exchange(
      double,
      { code: await code(double, { client_id: 'spa' }), client_id: 'spa' },
      {},
    );
    assert.equal(pub.status, 200);

    const noSecret = await exchange(double, { code: await code(double), client_id: 'app' }, {});
    assert.equal(noSecret.status, 401, 'a confidential client cannot go without its secret');
    assert.equal(noSecret.json.error, 'invalid_client');
    const wrong = await exchange(
      double,
      { code: await code(double) },
      { authorization: basic('app', 'nope') },
    );
    assert.deepEqual([wrong.status, wrong.json.error], [401, 'invalid_client']);
    assert.ok(!wrong.text.includes('nope'));
    const both = await exchange(double, { code: await code(double), client_secret: 'app-secret' });
    assert.deepEqual([both.status, both.json.error], [400, 'invalid_request'], 'two methods');
  });

  it('refuses a method the preset does not accept', async () => {
    await using double = await start({ ...oauth2Preset, clientAuth: ['client_secret_basic'] });
    const body = await exchange(
      double,
      { code: await code(double), client_id: 'app', client_secret: 'app-secret' },
      {},
    );
    assert.deepEqual([body.status, body.json.error], [401, 'invalid_client']);
  });

  it('verifies private_key_jwt and client_secret_jwt client assertions (single use, audience)', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), alg: 'ES256' }] };
    await using double = await startProviderDouble(oidcPreset, {
      clients: [
        { clientId: 'keyed', jwks },
        { clientId: 'hmac', clientSecret: 'a-long-shared-secret-for-hmac-256-0123' },
      ],
      users: [alice],
    });
    const tokenURL = double.url + oidcPreset.paths.token;
    const assertion = (iss: string, key: CryptoKey | Uint8Array, alg: string, aud = tokenURL) =>
      new SignJWT({ jti: randomBytes(8).toString('hex') })
        .setProtectedHeader({ alg })
        .setIssuer(iss)
        .setSubject(iss)
        .setAudience(aud)
        .setExpirationTime('1m')
        .sign(key);
    const TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
    const signed = await assertion('keyed', privateKey, 'ES256');
    const viaKey = await exchange(
      double,
      {
        code: await code(double, { client_id: 'keyed' }),
        client_assertion_type: TYPE,
        client_assertion: signed,
      },
      {},
    );
    assert.equal(viaKey.status, 200, viaKey.text);
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'private_key_jwt');
    const replay = await exchange(
      double,
      {
        code: await code(double, { client_id: 'keyed' }),
        client_assertion_type: TYPE,
        client_assertion: signed,
      },
      {},
    );
    assert.deepEqual([replay.status, replay.json.error], [401, 'invalid_client'], 'jti reuse');
    const elsewhere = await exchange(
      double,
      {
        code: await code(double, { client_id: 'keyed' }),
        client_assertion_type: TYPE,
        client_assertion: await assertion('keyed', privateKey, 'ES256', 'https://other.example'),
      },
      {},
    );
    assert.equal(elsewhere.status, 401, 'wrong audience');
    const secret = new TextEncoder().encode('a-long-shared-secret-for-hmac-256-0123');
    const viaHMAC = await exchange(
      double,
      {
        code: await code(double, { client_id: 'hmac' }),
        client_id: 'hmac',
        client_assertion_type: TYPE,
        client_assertion: await assertion('hmac', secret, 'HS256', double.issuer!),
      },
      {},
    );
    assert.equal(viaHMAC.status, 200, viaHMAC.text);
    assert.equal(double.requests.at(-1)?.clientAuthentication, 'client_secret_jwt');
  });

  it('answers JSON or form by the preset, and errors in the provider’s status and shape', async () => {
    await using gh = await start(githubPreset);
    const form = await exchange(gh, { code: await code(gh, { scope: 'read:user user:email' }) });
    assert.match(form.type, /application\/x-www-form-urlencoded/);
    assert.equal(form.json.scope, 'read:user,user:email', 'comma-separated');
    assert.equal(form.json.token_type, 'bearer');
    const json = await exchange(
      gh,
      { code: await code(gh) },
      {
        authorization: basic('app', 'app-secret'),
        accept: 'application/json',
      },
    );
    assert.match(json.type, /application\/json/);
    const bad = await exchange(
      gh,
      { code: 'made-up' },
      {
        authorization: basic('app', 'app-secret'),
        accept: 'application/json',
      },
    );
    assert.equal(bad.status, 200, 'GitHub answers errors with HTTP 200');
    assert.equal(bad.json.error, 'bad_verification_code');
    assert.match(String(bad.json.error_uri), /docs\.github\.com/);

    await using discord = await start(discordPreset);
    const wrongVerifier = await exchange(discord, {
      code: await code(discord, {
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      }),
      code_verifier: pkce().verifier,
    });
    assert.equal(wrongVerifier.status, 400);
    assert.deepEqual(wrongVerifier.json, {
      error: 'invalid_grant',
      error_description: 'Invalid "code_verifier"',
    });
  });

  it('a code is single use: a replay is refused and revokes what the first exchange issued', async () => {
    await using double = await start(oauth2Preset);
    const once = await code(double);
    const first = await exchange(double, { code: once });
    assert.ok(double.isTokenActive(String(first.json.access_token)));
    const again = await exchange(double, { code: once });
    assert.deepEqual([again.status, again.json.error], [400, 'invalid_grant']);
    assert.equal(double.isTokenActive(String(first.json.access_token)), false);
    const mismatch = await exchange(double, {
      code: await code(double),
      redirect_uri: 'https://app.example/other',
    });
    assert.equal(mismatch.json.error, 'invalid_grant', 'redirect_uri must match');
  });

  it('codes and access tokens expire on the double’s clock', async () => {
    await using double = await start(oauth2Preset);
    const late = await code(double);
    double.advance(10 * 60_000 + 1);
    assert.equal((await exchange(double, { code: late })).json.error, 'invalid_grant');
    const tokens = await exchange(double, { code: await code(double) });
    assert.equal(tokens.json.expires_in, 3600);
    assert.ok(double.isTokenActive(String(tokens.json.access_token)));
    double.advance(3600_000);
    assert.equal(double.isTokenActive(String(tokens.json.access_token)), false);
  });

  it('failNext answers once with the given status and body', async () => {
    await using double = await start(oauth2Preset);
    double.failNext('token', { status: 503, body: 'upstream down' });
    const failed = await exchange(double, { code: await code(double) });
    assert.deepEqual([failed.status, failed.text], [503, 'upstream down']);
    assert.equal((await exchange(double, { code: await code(double) })).status, 200);
    assert.throws(() => double.failNext('token', { status: 99, body: null }), TypeError);
  });
});

describe('provider double: refresh and revocation', () => {
  it('without rotation the refresh token stays; with rotation the old one dies', async () => {
    await using google = await start(googlePreset);
    const none = await exchange(google, { code: await code(google) });
    assert.equal(none.json.refresh_token, undefined, 'Google: only with access_type=offline');
    const offline = await exchange(google, {
      code: await code(google, { access_type: 'offline', scope: 'openid email' }),
    });
    const kept = String(offline.json.refresh_token);
    for (let i = 0; i < 2; i++) {
      const again = await refresh(google, kept);
      assert.equal(again.status, 200);
      assert.equal(again.json.refresh_token, undefined);
      assert.ok(again.json.id_token, 'a new ID token on refresh');
    }

    await using gitlab = await start(gitlabPreset);
    const first = await exchange(gitlab, { code: await code(gitlab) });
    const rotated = await refresh(gitlab, String(first.json.refresh_token));
    assert.ok(
      rotated.json.refresh_token && rotated.json.refresh_token !== first.json.refresh_token,
    );
    assert.equal(gitlab.isTokenActive(String(first.json.access_token)), false, 'GitLab retires it');
    assert.ok(gitlab.isTokenActive(String(rotated.json.access_token)));
    const reused = await refresh(gitlab, String(first.json.refresh_token));
    assert.equal(reused.json.error, 'invalid_grant');
    assert.ok(gitlab.isTokenActive(String(rotated.json.access_token)), 'no reuse detection');
  });

  it('reuse detection: a rotated-away refresh token kills the whole grant', async () => {
    await using double = await start({
      ...oauth2Preset,
      refresh: { issue: 'always', rotate: true, reuseDetection: true },
    });
    const first = await exchange(double, { code: await code(double) });
    const second = await refresh(double, String(first.json.refresh_token));
    const stolen = await refresh(double, String(first.json.refresh_token));
    assert.equal(stolen.json.error, 'invalid_grant');
    assert.equal(double.isTokenActive(String(second.json.access_token)), false);
    assert.equal(
      (await refresh(double, String(second.json.refresh_token))).json.error,
      'invalid_grant',
    );
  });

  it('revocation (RFC 7009) ends the grant; unknown tokens are fine; the client must authenticate', async () => {
    await using double = await start(oauth2Preset);
    const tokens = await exchange(double, { code: await code(double) });
    const auth = { authorization: basic('app', 'app-secret') };
    assert.equal((await post(double, '/revoke', { token: 'unknown' }, auth)).status, 200);
    const stranger = await post(
      double,
      '/revoke',
      { token: String(tokens.json.refresh_token) },
      {
        authorization: basic('app', 'wrong'),
      },
    );
    assert.equal(stranger.status, 401);
    assert.ok(double.isTokenActive(String(tokens.json.access_token)));
    await post(double, '/revoke', { token: String(tokens.json.refresh_token) }, auth);
    assert.equal(double.isTokenActive(String(tokens.json.access_token)), false);
    assert.equal(
      (await refresh(double, String(tokens.json.refresh_token))).json.error,
      'invalid_grant',
    );
  });
});

describe('provider double: preset revocation rules', () => {
  it('Google revokes without client credentials; other presets require them', async () => {
    await using google = await start(googlePreset);
    const tokens = await exchange(google, { code: await code(google) });
    const access = String(tokens.json.access_token);
    const anonymous = await post(google, '/revoke', { token: access });
    assert.equal(anonymous.status, 200);
    assert.equal(google.isTokenActive(access), false);

    await using discord = await start(discordPreset);
    const other = await exchange(discord, { code: await code(discord) });
    const refused = await post(discord, '/api/oauth2/token/revoke', {
      token: String(other.json.access_token),
    });
    assert.equal(refused.status, 401);
    assert.ok(discord.isTokenActive(String(other.json.access_token)));
  });
});

describe('provider double: profile, discovery and ID tokens', () => {
  it('userinfo answers the preset’s JSON shape, and its own shape for a dead token', async () => {
    await using discord = await start(discordPreset);
    discord.signInAs({
      id: '80351110224678912',
      username: 'nelly',
      email: 'n@d.example',
      emailVerified: true,
    });
    const tokens = await exchange(discord, {
      code: await code(discord, { scope: 'identify email' }),
    });
    const me = await fetch(`${discord.url}/api/users/@me`, {
      headers: { authorization: `Bearer ${tokens.json.access_token}` },
    });
    assert.deepEqual(await me.json(), {
      id: '80351110224678912',
      username: 'nelly',
      global_name: null,
      discriminator: '0',
      avatar: null,
      email: 'n@d.example',
      verified: true,
    });
    const dead = await fetch(`${discord.url}/api/users/@me`, {
      headers: { authorization: 'Bearer nope' },
    });
    assert.equal(dead.status, 401);
    assert.deepEqual(await dead.json(), { message: '401: Unauthorized', code: 0 });

    await using gh = await start(githubPreset);
    gh.signInAs({
      id: '583231',
      username: 'octocat',
      email: 'octo@example.com',
      emailVerified: true,
    });
    const ghTokens = await exchange(
      gh,
      { code: await code(gh, { scope: 'user:email' }) },
      {
        authorization: basic('app', 'app-secret'),
        accept: 'application/json',
      },
    );
    const headers = { authorization: `Bearer ${ghTokens.json.access_token}` };
    const user = await (await fetch(`${gh.url}/user`, { headers })).json();
    assert.equal(user.id, 583231, 'GitHub ids are numbers');
    assert.equal(user.login, 'octocat');
    const emails = await (await fetch(`${gh.url}/user/emails`, { headers })).json();
    assert.deepEqual(emails, [
      { email: 'octo@example.com', primary: true, verified: true, visibility: 'private' },
    ]);
    const readOnly = await exchange(
      gh,
      { code: await code(gh, { scope: 'read:user' }) },
      {
        authorization: basic('app', 'app-secret'),
        accept: 'application/json',
      },
    );
    const hidden = await fetch(`${gh.url}/user/emails`, {
      headers: { authorization: `Bearer ${readOnly.json.access_token}` },
    });
    assert.equal(hidden.status, 404, 'no user:email scope: 404 as on GitHub');
  });

  it('serves discovery and JWKS; ID tokens verify against them with nonce, aud and iss', async () => {
    await using double = await start(oidcPreset);
    const discovery = await (await fetch(`${double.url}/.well-known/openid-configuration`)).json();
    assert.equal(discovery.issuer, double.url);
    assert.equal(discovery.token_endpoint, `${double.url}/token`);
    assert.deepEqual(discovery.response_modes_supported, ['query', 'form_post']);
    assert.ok(discovery.token_endpoint_auth_methods_supported.includes('private_key_jwt'));
    const tokens = await exchange(double, {
      code: await code(double, { scope: 'openid email', nonce: 'n-0S6' }),
    });
    const { payload, protectedHeader } = await jwtVerify(
      String(tokens.json.id_token),
      createRemoteJWKSet(new URL(discovery.jwks_uri)),
      { issuer: double.url, audience: 'app' },
    );
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.nonce, 'n-0S6');
    assert.equal(payload.sub, alice.id);
    assert.equal(payload.email, alice.email);
    assert.equal(payload.name, undefined, 'profile claims only with the profile scope');
    assert.equal((await fetch(`${double.url}/jwks`)).status, 200);

    await using plain = await start(oauth2Preset);
    const none = await fetch(`${plain.url}/.well-known/openid-configuration`);
    assert.equal(none.status, 404, 'plain OAuth 2.0 presets have no discovery');
  });

  it('mounts under a prefix only where the preset allows it (tenants, instance roots)', async () => {
    await using gitlab = await start(gitlabPreset);
    const rooted = await (
      await fetch(`${gitlab.url}/gitlab/.well-known/openid-configuration`)
    ).json();
    assert.equal(rooted.issuer, `${gitlab.url}/gitlab`);
    assert.equal(rooted.token_endpoint, `${gitlab.url}/gitlab/oauth/token`);
    await using google = await start(googlePreset);
    const elsewhere = await fetch(`${google.url}/x/.well-known/openid-configuration`);
    assert.equal(elsewhere.status, 404);
  });
});

describe('provider double: with latchkey’s own providers', () => {
  for (const [preset, make] of [
    [
      githubPreset,
      (url: string) =>
        github({ clientId: 'app', clientSecret: 'app-secret', endpoints: { web: url, api: url } }),
    ],
    [
      oidcPreset,
      (url: string) =>
        oidc({
          id: 'acme',
          name: 'Acme',
          clientId: 'app',
          clientSecret: 'app-secret',
          issuer: url,
        }),
    ],
  ] as const) {
    it(`signs in against the ${preset.id} preset and maps the profile`, async () => {
      await using double = await start(preset);
      double.signInAs({
        id: '583231',
        username: 'octocat',
        email: 'octo@example.com',
        emailVerified: true,
        name: 'Octo',
      });
      const provider = make(double.url);
      const request = await provider.createAuthorizationURL({ redirectURI });
      const tokens = await provider.validateAuthorizationCode({
        callbackURL: await double.authorize(request.url),
        expectedState: request.state,
        redirectURI,
        codeVerifier: request.codeVerifier,
        nonce: request.nonce,
      });
      const { profile } = await provider.getUser(tokens);
      assert.equal(profile.providerUserId, '583231');
      assert.equal(profile.email, 'octo@example.com');
      assert.equal(profile.emailVerified, true);
      assert.equal(profile.name, 'Octo');
    });
  }
});

describe('provider double: in Chromium', () => {
  let app: Server;
  let appURL: string;
  const received: { method: string; url: string; body: string }[] = [];

  before(async () => {
    // The "app": records what the browser brings back to the callback.
    app = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        // Only the callback counts (Chromium also asks for /favicon.ico).
        if (req.url?.startsWith('/callback'))
          received.push({ method: req.method ?? '', url: req.url, body });
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<p id="done">back at the app</p>');
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appURL = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => app.close(() => resolve())));

  it('a person clicks through the sign-in page; form_post comes back as a POST', async () => {
    await using double = await startProviderDouble(oidcPreset, {
      clients: [{ clientId: 'app', clientSecret: 'app-secret' }],
      users: [alice, { id: 'bob-2', name: 'Bob' }],
    });
    double.signInAs(null);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    try {
      const page = await browser.newPage();
      const authorize = (extra: string): string =>
        `${double.url}/authorize?client_id=app&response_type=code&scope=openid&state=st` +
        `&redirect_uri=${encodeURIComponent(`${appURL}/callback`)}${extra}`;
      await page.goto(authorize(''));
      await page.getByRole('button', { name: 'Continue as Bob' }).click();
      await page.waitForSelector('#done');
      const query = new URL(received.at(-1)!.url, appURL).searchParams;
      assert.equal(received.at(-1)!.method, 'GET');
      assert.equal(query.get('state'), 'st');
      const tokens = await post(
        double,
        '/token',
        {
          grant_type: 'authorization_code',
          code: query.get('code')!,
          redirect_uri: `${appURL}/callback`,
        },
        { authorization: basic('app', 'app-secret') },
      );
      const claims = await jwtVerify(
        String(tokens.json.id_token),
        createRemoteJWKSet(new URL(`${double.url}/jwks`)),
      );
      assert.equal(claims.payload.sub, 'bob-2');

      await page.goto(authorize(''));
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.waitForSelector('#done');
      assert.equal(
        new URL(received.at(-1)!.url, appURL).searchParams.get('error'),
        'access_denied',
      );

      await page.goto(authorize('&response_mode=form_post'));
      await page.getByRole('button', { name: 'Continue as Alice' }).click();
      await page.waitForSelector('#done');
      const last = received.at(-1)!;
      assert.equal(last.method, 'POST', 'form_post: a cross-site POST to the callback');
      const form = new URLSearchParams(last.body);
      assert.ok(form.get('code'));
      assert.equal(form.get('state'), 'st');
      assert.equal(form.get('iss'), double.url);
    } finally {
      await browser.close();
    }
  });
});

describe('provider double: bad input', () => {
  it('answers malformed requests with 4xx (or the provider’s 200 error), never 5xx, never a crash', async () => {
    for (const preset of [oidcPreset, githubPreset, discordPreset, googlePreset]) {
      await using double = await start(preset);
      const paths = Object.values(preset.paths).filter((p): p is string => p !== undefined);
      const bodies: [string, string][] = [
        ['application/json', '{not json'],
        ['application/json', '[1,2]'],
        ['text/plain', 'grant_type=authorization_code'],
        ['application/x-www-form-urlencoded', 'grant_type=%E0%A4%A&code=%'],
        ['application/x-www-form-urlencoded', 'x'.repeat(70 * 1024)],
        [
          'application/x-www-form-urlencoded',
          'grant_type=authorization_code&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer&client_assertion=a.b.c',
        ],
      ];
      for (const path of paths) {
        for (const [type, body] of bodies) {
          for (const authorization of ['Basic !!!', 'Bearer', 'Basic ' + 'A'.repeat(5000)]) {
            const response = await fetch(double.url + path, {
              method: 'POST',
              headers: { 'content-type': type, authorization },
              body,
            });
            await response.arrayBuffer();
            assert.ok(response.status < 500, `${preset.id} POST ${path}: ${response.status}`);
          }
        }
        const get = await fetch(
          `${double.url}${path}?client_id=%&redirect_uri=::&scope=${'s,'.repeat(500)}`,
        );
        await get.arrayBuffer();
        assert.ok(get.status < 500, `${preset.id} GET ${path}: ${get.status}`);
      }
      const bytes = await fetch(double.url + preset.paths.token, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new Uint8Array([0xff, 0xfe, 0x00]),
      });
      assert.equal(bytes.status, 400, 'not UTF-8');
    }
  });
});
