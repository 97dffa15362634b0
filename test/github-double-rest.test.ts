// The GitHub double's REST API, faults and robustness, driven with plain fetch.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { test } from 'node:test';
import { startGitHubDouble } from '../src/testing/index.ts';
import {
  authorize,
  basic,
  getUser,
  setup,
  signIn,
  tokenJSON,
  tokenRequest,
} from './github-double-helpers.ts';

test('GET /user at the root and under /api/v3, with Bearer or token, and X-OAuth-Scopes', async (t) => {
  const gh = await setup(t);
  const token = String((await signIn(gh)).access_token);
  for (const [path, scheme] of [
    ['/user', 'Bearer'],
    ['/api/v3/user', 'token'],
  ] as const) {
    const res = await getUser(gh, token, path, scheme);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-oauth-scopes'), 'read:user, user:email');
    const user = (await res.json()) as Record<string, unknown>;
    assert.equal(user.login, 'octocat');
    assert.equal(user.id, 583231);
    assert.equal(user.type, 'User');
    assert.equal(user.name, 'The Octocat');
    assert.equal(user.email, 'octocat@github.com');
    assert.equal(typeof user.node_id, 'string');
    assert.match(String(user.avatar_url), /^https:\/\//);
  }
  const hubotToken = (
    await (async () => {
      gh.approveAs('hubot');
      return signIn(gh);
    })()
  ).access_token;
  const hubot = (await (await getUser(gh, String(hubotToken))).json()) as Record<string, unknown>;
  assert.equal(hubot.email, null);
  const ghapp = await getUser(gh, String((await signIn(gh, 'ghapp-id')).access_token));
  assert.equal(ghapp.status, 200);
  assert.equal(ghapp.headers.get('x-oauth-scopes'), null);
  assert.equal(gh.stats.userRequests, 4);
});

test('bad, revoked or missing credentials on the REST API', async (t) => {
  const gh = await setup(t);
  for (const header of ['Bearer gho_nope', 'Bearer ', 'Basic abc', 'Bearer \u00e9', 'token a b']) {
    const res = await fetch(`${gh.url}/user`, { headers: { Authorization: header } }).catch(
      () => null,
    );
    if (!res) continue; // fetch itself refuses some header values
    assert.equal(res.status, 401, header);
    assert.deepEqual(await res.json(), {
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    });
  }
  const missing = await fetch(`${gh.url}/user`);
  assert.equal(missing.status, 401);
  assert.equal(((await missing.json()) as { message: string }).message, 'Requires authentication');
});

test('GET /user/emails needs user:email or user on OAuth App tokens', async (t) => {
  const gh = await setup(t);
  const noScope = String((await signIn(gh, 'oauth-id', 'read:user')).access_token);
  const res = await getUser(gh, noScope, '/user/emails');
  assert.equal(res.status, 404);
  assert.equal(((await res.json()) as { message: string }).message, 'Not Found');
  for (const scope of ['user:email', 'user', 'repo,user']) {
    const ok = await getUser(
      gh,
      String((await signIn(gh, 'oauth-id', scope)).access_token),
      '/api/v3/user/emails',
    );
    assert.equal(ok.status, 200, scope);
    assert.deepEqual(await ok.json(), [
      { email: 'octocat@github.com', primary: true, verified: true, visibility: 'public' },
      { email: 'unverified@example.com', primary: false, verified: false, visibility: null },
    ]);
  }
  assert.equal(
    (await getUser(gh, String((await signIn(gh, 'ghapp-id')).access_token), '/user/emails')).status,
    200,
  );
});

test('application endpoints: check, reset, delete token, delete grant, with Basic auth', async (t) => {
  const gh = await setup(t);
  const token = String((await signIn(gh)).access_token);
  const other = String((await signIn(gh)).access_token);
  const call = (
    method: string,
    path: string,
    body: unknown,
    auth = basic('oauth-id', 'oauth-secret'),
  ): Promise<Response> =>
    fetch(`${gh.url}${path}`, {
      method,
      headers: { Authorization: auth, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const check = await call('POST', '/applications/oauth-id/token', { access_token: token });
  assert.equal(check.status, 200);
  const info = (await check.json()) as {
    token: string;
    scopes: string[];
    user: { login: string };
    app: { client_id: string };
  };
  assert.equal(info.token, token);
  assert.deepEqual(info.scopes, ['read:user', 'user:email']);
  assert.equal(info.user.login, 'octocat');
  assert.equal(info.app.client_id, 'oauth-id');
  assert.equal(
    (
      await call(
        'POST',
        '/applications/oauth-id/token',
        { access_token: token },
        basic('oauth-id', 'bad'),
      )
    ).status,
    404,
  );
  assert.equal(
    (
      await call(
        'POST',
        '/applications/ghapp-id/token',
        { access_token: token },
        basic('ghapp-id', 'ghapp-secret'),
      )
    ).status,
    404,
  );
  const anonymous = await fetch(`${gh.url}/applications/oauth-id/token`, {
    method: 'POST',
    body: '{}',
  });
  assert.equal(anonymous.status, 401);
  assert.equal(
    (await call('POST', '/applications/oauth-id/token', { access_token: 'gho_nope' })).status,
    404,
  );
  assert.equal((await call('POST', '/applications/oauth-id/token', {})).status, 422);

  const reset = await call('PATCH', '/api/v3/applications/oauth-id/token', { access_token: token });
  assert.equal(reset.status, 200);
  const fresh = ((await reset.json()) as { token: string }).token;
  assert.match(fresh, /^gho_/);
  assert.notEqual(fresh, token);
  assert.equal(gh.isTokenActive(token), false);
  assert.equal((await getUser(gh, fresh)).status, 200);

  const revoke = await call('DELETE', '/applications/oauth-id/token', { access_token: fresh });
  assert.equal(revoke.status, 204);
  assert.equal((await getUser(gh, fresh)).status, 401);
  const third = String((await signIn(gh)).access_token);
  assert.equal(
    (await call('DELETE', '/applications/oauth-id/grant', { access_token: other })).status,
    204,
  );
  assert.equal(gh.isTokenActive(other), false);
  assert.equal(gh.isTokenActive(third), false);
  assert.equal(gh.stats.revocations, 2);
});

test('failNext answers one request per endpoint with the given fault', async (t) => {
  const gh = await setup(t);
  const token = String((await signIn(gh)).access_token);
  gh.failNext('user', { status: 503, body: { message: 'Service unavailable' } });
  const failed = await getUser(gh, token);
  assert.equal(failed.status, 503);
  assert.deepEqual(await failed.json(), { message: 'Service unavailable' });
  assert.equal((await getUser(gh, token)).status, 200);
  gh.failNext('emails', { status: 500, body: 'boom' });
  assert.equal(await (await getUser(gh, token, '/user/emails')).text(), 'boom');
  gh.failNext('token', { status: 502 });
  const code = (await authorize(gh, { client_id: 'oauth-id' })).searchParams.get('code')!;
  assert.equal(
    (await tokenRequest(gh, { client_id: 'oauth-id', client_secret: 'oauth-secret', code })).status,
    502,
  );
  // The fault did not consume the code.
  assert.ok(
    (await tokenJSON(gh, { client_id: 'oauth-id', client_secret: 'oauth-secret', code }))
      .access_token,
  );
  gh.failNext('revoke', { status: 500, body: { message: 'nope' } });
  const revoke = await fetch(`${gh.url}/applications/oauth-id/token`, {
    method: 'DELETE',
    headers: { Authorization: basic('oauth-id', 'oauth-secret') },
    body: JSON.stringify({ access_token: token }),
  });
  assert.equal(revoke.status, 500);
  assert.equal(gh.isTokenActive(token), true);
  assert.throws(() => gh.failNext('nope' as 'user', { status: 500 }), TypeError);
});

test('unknown paths and methods are 404 JSON', async (t) => {
  const gh = await setup(t);
  for (const [method, path] of [
    ['GET', '/rate_limit'],
    ['GET', '/api/v3/rate_limit'],
    ['GET', '/login/oauth/access_token'],
    ['DELETE', '/user'],
    ['GET', '/applications/oauth-id/token'],
    ['GET', '/applications/%E0%A4%A/token'],
  ]) {
    const res = await fetch(`${gh.url}${path}`, { method });
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.equal(((await res.json()) as { message: string }).message, 'Not Found');
  }
});

test('oversized and malformed bodies get 413 and 400', async (t) => {
  const gh = await setup(t);
  const big = await fetch(`${gh.url}/login/oauth/access_token`, {
    method: 'POST',
    body: 'a='.padEnd(70_000, 'x'),
  });
  assert.equal(big.status, 413);
  const badJSON = await fetch(`${gh.url}/login/oauth/access_token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{"code":',
  });
  assert.equal(badJSON.status, 400);
  const array = await fetch(`${gh.url}/applications/oauth-id/token`, {
    method: 'POST',
    headers: { Authorization: basic('oauth-id', 'oauth-secret') },
    body: '[1]',
  });
  assert.equal(array.status, 400);
  const notUTF8 = await fetch(`${gh.url}/login/device/code`, {
    method: 'POST',
    body: new Uint8Array([0xff, 0xfe]),
  });
  assert.equal(notUTF8.status, 400);
});

test('fuzzed requests never get a 5xx and the double keeps working', async (t) => {
  const gh = await setup(t);
  const paths = [
    '/login/oauth/authorize',
    '/login/oauth/access_token',
    '/login/device/code',
    '/login/device',
    '/user',
    '/user/emails',
    '/applications/oauth-id/token',
    '/applications/oauth-id/grant',
    '/api/v3/user',
  ];
  const methods = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT'];
  const types = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', ''];
  const rand = (n: number): string => randomBytes(n).toString('latin1');
  for (let i = 0; i < 300; i++) {
    const method = methods[i % methods.length]!;
    const path =
      paths[i % paths.length]! +
      (i % 3 === 0
        ? `?${encodeURIComponent(rand(8))}=${encodeURIComponent(rand(20))}&client_id=oauth-id&code_challenge=${i}`
        : '');
    const headers: Record<string, string> = {};
    const type = types[i % types.length]!;
    if (type) headers['Content-Type'] = type;
    if (i % 4 === 0) headers.Authorization = `Basic ${Buffer.from(rand(12)).toString('base64')}`;
    if (i % 4 === 1)
      headers.Authorization = `Bearer ${Buffer.from(rand(12)).toString('base64url')}`;
    const body =
      method === 'GET'
        ? undefined
        : i % 2 === 0
          ? JSON.stringify({ access_token: i, code: [i], grant_type: null })
          : rand(64);
    const res = await fetch(`${gh.url}${path}`, { method, headers, body, redirect: 'manual' });
    assert.ok(res.status < 500, `${method} ${path} → ${res.status}`);
    await res.arrayBuffer();
  }
  // Raw, malformed request lines and targets.
  for (const target of ['*', 'http://evil.example/user', '//user', '/%', '/user?%zz']) {
    const status = await new Promise<number>((resolve) => {
      const req = httpRequest(`${gh.url}/`, { path: target, method: 'GET' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.end();
    });
    assert.ok(status < 500, `${target} → ${status}`);
  }
  const token = await signIn(gh);
  assert.match(String(token.access_token), /^gho_/);
});

test('close() ends keep-alive connections at once, and the double is async-disposable', async () => {
  let url: string;
  {
    await using gh = await startGitHubDouble();
    url = gh.url;
    const res = await fetch(`${gh.url}/rate_limit`, { headers: { Connection: 'keep-alive' } });
    await res.arrayBuffer();
    const started = Date.now();
    await gh.close();
    assert.ok(Date.now() - started < 1000);
    await gh.close(); // idempotent; `await using` closes once more
  }
  await assert.rejects(fetch(`${url}/user`));
});
