// The GitHub double (latchkey/testing), web flow and token endpoint, driven with plain fetch the way
// an app's OAuth client would drive github.com: each documented quirk is asserted here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startGitHubDouble } from '../src/testing/index.ts';
import {
  CALLBACK,
  authorize,
  basic,
  getUser,
  pkcePair,
  setup,
  signIn,
  tokenJSON,
  tokenRequest,
} from './github-double-helpers.ts';

test('authorize auto-approves as the first user and redirects with code, state and iss', async (t) => {
  const gh = await setup(t);
  const location = await authorize(gh, {
    client_id: 'oauth-id',
    redirect_uri: CALLBACK,
    state: 'xyz',
  });
  assert.equal(location.origin + location.pathname, CALLBACK);
  assert.match(location.searchParams.get('code')!, /^[0-9a-f]{20}$/);
  assert.equal(location.searchParams.get('state'), 'xyz');
  assert.equal(location.searchParams.get('iss'), `${gh.url}/login/oauth`);
  assert.equal(gh.issuer, `${gh.url}/login/oauth`);
  assert.equal(gh.stats.authorizeRequests, 1);
  const token = await tokenJSON(gh, {
    client_id: 'oauth-id',
    client_secret: 'oauth-secret',
    code: location.searchParams.get('code')!,
  });
  const user = (await (await getUser(gh, String(token.access_token))).json()) as { login: string };
  assert.equal(user.login, 'octocat');
});

test('the issuer option changes iss; approveAs picks the user', async (t) => {
  const gh = await setup(t, { issuer: 'https://github.com/login/oauth' });
  gh.approveAs('hubot');
  const location = await authorize(gh, { client_id: 'oauth-id' });
  assert.equal(location.searchParams.get('iss'), 'https://github.com/login/oauth');
  // Without redirect_uri GitHub uses the first registered callback URL.
  assert.equal(location.origin + location.pathname, CALLBACK);
  const token = await tokenJSON(gh, {
    client_id: 'oauth-id',
    client_secret: 'oauth-secret',
    code: location.searchParams.get('code')!,
  });
  const user = (await (await getUser(gh, String(token.access_token))).json()) as {
    login: string;
    id: number;
  };
  assert.equal(user.login, 'hubot');
  assert.equal(typeof user.id, 'number');
  assert.throws(() => gh.approveAs('nobody'), TypeError);
});

test('an unknown client gets an HTML error page, never a redirect', async (t) => {
  const gh = await setup(t);
  const res = await fetch(
    `${gh.url}/login/oauth/authorize?client_id=nope&redirect_uri=${encodeURIComponent(CALLBACK)}`,
    { redirect: 'manual' },
  );
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('location'), null);
  assert.match(res.headers.get('content-type')!, /text\/html/);
});

test('redirect_uri follows GitHub rules for OAuth Apps (host, sub-domain, port, sub-path, loopback)', async (t) => {
  const gh = await startGitHubDouble();
  t.after(() => gh.close());
  gh.addUser({ login: 'octocat' });
  gh.addApp({
    clientId: 'doc',
    clientSecret: 's',
    kind: 'oauth-app',
    callbackURLs: ['http://example.com/path', 'http://127.0.0.1/cb'],
  });
  gh.addApp({
    clientId: 'ghapp',
    clientSecret: 's',
    kind: 'github-app',
    callbackURLs: ['http://example.com/path'],
  });
  // The GOOD/BAD table of "Authorizing OAuth apps" › Redirect URLs, plus loopback ports.
  const good = [
    'http://example.com/path',
    'http://example.com/path/subdir/other',
    'http://oauth.example.com/path',
    'http://oauth.example.com/path/subdir/other',
    'http://127.0.0.1:1234/cb',
    'http://127.0.0.1:61000/cb/sub',
  ];
  const bad = [
    'http://example.com/bar',
    'http://example.com/',
    'http://example.com:8080/path',
    'http://oauth.example.com:8080/path',
    'http://example.org',
    'https://example.com/path',
    'http://example.com/pathology',
    'http://example.com/path/../bar',
    'http://evil.com/path',
    'http://example.com.evil.com/path',
    'http://user@example.com/path',
    'http://localhost:1234/cb',
    'not a url',
  ];
  for (const uri of good) {
    const location = await authorize(gh, { client_id: 'doc', redirect_uri: uri, state: 'st' });
    assert.ok(location.searchParams.get('code'), uri);
    assert.equal(location.origin + location.pathname, new URL(uri).origin + new URL(uri).pathname);
  }
  for (const uri of bad) {
    const location = await authorize(gh, { client_id: 'doc', redirect_uri: uri, state: 'st' });
    // The mismatch goes to the registered callback URL, never to the unverified one.
    assert.equal(location.href.split('?')[0], 'http://example.com/path', uri);
    assert.equal(location.searchParams.get('error'), 'redirect_uri_mismatch', uri);
    assert.equal(location.searchParams.get('state'), 'st');
    assert.equal(location.searchParams.get('code'), null);
  }
  // GitHub Apps: an exact match only.
  assert.ok(
    (
      await authorize(gh, { client_id: 'ghapp', redirect_uri: 'http://example.com/path' })
    ).searchParams.get('code'),
  );
  for (const uri of [
    'http://example.com/path/sub',
    'http://oauth.example.com/path',
    'http://example.com/path?x=1',
  ]) {
    const location = await authorize(gh, { client_id: 'ghapp', redirect_uri: uri });
    assert.equal(location.searchParams.get('error'), 'redirect_uri_mismatch', uri);
  }
});

test('PKCE: S256 only, and the exchange needs the right verifier', async (t) => {
  const gh = await setup(t);
  const { verifier, challenge } = pkcePair();
  const plain = await authorize(gh, {
    client_id: 'oauth-id',
    code_challenge: verifier,
    code_challenge_method: 'plain',
  });
  assert.equal(plain.searchParams.get('error'), 'invalid_request');
  assert.equal(plain.searchParams.get('code'), null);
  const noMethod = await authorize(gh, { client_id: 'oauth-id', code_challenge: challenge });
  assert.equal(noMethod.searchParams.get('error'), 'invalid_request');

  const location = await authorize(gh, {
    client_id: 'oauth-id',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const code = location.searchParams.get('code')!;
  const base = { client_id: 'oauth-id', client_secret: 'oauth-secret', code };
  assert.equal((await tokenJSON(gh, base)).error, 'bad_verification_code');
  assert.equal(
    (await tokenJSON(gh, { ...base, code_verifier: pkcePair().verifier })).error,
    'bad_verification_code',
  );
  const ok = await tokenJSON(gh, { ...base, code_verifier: verifier });
  assert.match(String(ok.access_token), /^gho_[A-Za-z0-9]{36}$/);
});

test('the token endpoint answers form-encoded unless Accept asks for JSON, with a Date header', async (t) => {
  const start = Date.UTC(2030, 0, 1);
  const gh = await setup(t, { now: () => start });
  const code = (
    await authorize(gh, { client_id: 'oauth-id', scope: 'read:user,user:email' })
  ).searchParams.get('code')!;
  const res = await tokenRequest(
    gh,
    { client_id: 'oauth-id', client_secret: 'oauth-secret', code },
    {},
  );
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^application\/x-www-form-urlencoded/);
  assert.equal(res.headers.get('date'), new Date(start).toUTCString());
  const form = new URLSearchParams(await res.text());
  assert.match(form.get('access_token')!, /^gho_/);
  assert.equal(form.get('token_type'), 'bearer');
  // Granted scopes come back comma-separated.
  assert.equal(form.get('scope'), 'read:user,user:email');
  assert.equal(form.get('expires_in'), null);

  gh.advance(60_000);
  const err = await tokenRequest(gh, {
    client_id: 'oauth-id',
    client_secret: 'oauth-secret',
    code,
  });
  assert.equal(err.headers.get('date'), new Date(start + 60_000).toUTCString());
  assert.match(err.headers.get('content-type')!, /^application\/json/);
  assert.equal(((await err.json()) as { error: string }).error, 'bad_verification_code');
});

test('token errors come with HTTP 200: credentials, single-use and expired codes, redirect_uri, grant type', async (t) => {
  const gh = await setup(t);
  const codeFor = async (params: Record<string, string> = {}): Promise<string> =>
    (await authorize(gh, { client_id: 'oauth-id', ...params })).searchParams.get('code')!;

  const code = await codeFor({ redirect_uri: `${CALLBACK}/sub` });
  const base = { client_id: 'oauth-id', client_secret: 'oauth-secret', code };
  const wrongSecret = await tokenJSON(gh, { ...base, client_secret: 'nope' });
  assert.equal(wrongSecret.error, 'incorrect_client_credentials');
  assert.equal(
    wrongSecret.error_description,
    'The client_id and/or client_secret passed are incorrect.',
  );
  assert.equal(
    (await tokenJSON(gh, { ...base, client_id: 'ghapp-id' })).error,
    'incorrect_client_credentials',
  );
  assert.equal(
    (await tokenJSON(gh, { ...base, redirect_uri: CALLBACK })).error,
    'redirect_uri_mismatch',
  );
  assert.equal(
    (await tokenJSON(gh, { ...base, grant_type: 'password' })).error,
    'unsupported_grant_type',
  );
  assert.ok((await tokenJSON(gh, { ...base, redirect_uri: `${CALLBACK}/sub` })).access_token);
  // Single use.
  assert.equal((await tokenJSON(gh, base)).error, 'bad_verification_code');
  assert.equal((await tokenJSON(gh, { ...base, code: 'deadbeef' })).error, 'bad_verification_code');

  // Ten minutes of life.
  const late = await codeFor();
  gh.advance(10 * 60_000);
  assert.equal((await tokenJSON(gh, { ...base, code: late })).error, 'bad_verification_code');
  const fresh = await codeFor();
  gh.advance(9 * 60_000);
  assert.ok(
    (await tokenJSON(gh, { ...base, code: fresh, grant_type: 'authorization_code' })).access_token,
  );
  // The `password` grant is a token request but not a code exchange.
  assert.equal(gh.stats.codeExchanges, 8);
  assert.equal(gh.stats.tokenRequests, 9);
});

test('client credentials may come in HTTP Basic, and JSON bodies are accepted', async (t) => {
  const gh = await setup(t);
  const code = (await authorize(gh, { client_id: 'oauth-id' })).searchParams.get('code')!;
  const res = await fetch(`${gh.url}/login/oauth/access_token`, {
    method: 'POST',
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      Authorization: basic('oauth-id', 'oauth-secret'),
    },
    body: JSON.stringify({ code }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  assert.match(String(body.access_token), /^gho_/);
  assert.equal(body.scope, '');
  const logged = gh.requests.find((r) => r.path === '/login/oauth/access_token')!;
  assert.equal(logged.headers.authorization, 'Basic [redacted]');
  assert.equal(logged.headers.accept, 'application/json');
  assert.ok(!JSON.stringify(gh.requests).includes('oauth-secret'));
});

test('GitHub App tokens: ghu_/ghr_ with lifetimes when expiring, bare ghu_ otherwise', async (t) => {
  const gh = await setup(t);
  const expiring = await signIn(gh, 'ghapp-id');
  assert.match(String(expiring.access_token), /^ghu_[A-Za-z0-9]{36}$/);
  assert.match(String(expiring.refresh_token), /^ghr_[A-Za-z0-9]+$/);
  assert.equal(expiring.expires_in, 28800);
  assert.equal(expiring.refresh_token_expires_in, 15897600);
  assert.equal(expiring.scope, '');
  assert.equal(expiring.token_type, 'bearer');
  const plain = await signIn(gh, 'ghapp-noexp');
  assert.match(String(plain.access_token), /^ghu_/);
  assert.deepEqual(Object.keys(plain).sort(), ['access_token', 'scope', 'token_type']);
  // GitHub App tokens expire after 8 hours; non-expiring ones do not.
  gh.advance(28_800_000);
  assert.equal((await getUser(gh, String(expiring.access_token))).status, 401);
  assert.equal((await getUser(gh, String(plain.access_token))).status, 200);
});

test('refresh rotates: the old refresh token and the old access token both die', async (t) => {
  const gh = await setup(t);
  const first = await signIn(gh, 'ghapp-id');
  const refresh = (
    refresh_token: string,
    secret = 'ghapp-secret',
  ): Promise<Record<string, unknown>> =>
    tokenJSON(gh, {
      client_id: 'ghapp-id',
      client_secret: secret,
      grant_type: 'refresh_token',
      refresh_token,
    });
  assert.equal(
    (await refresh(String(first.refresh_token), 'wrong')).error,
    'incorrect_client_credentials',
  );
  const second = await refresh(String(first.refresh_token));
  assert.match(String(second.access_token), /^ghu_/);
  assert.notEqual(second.refresh_token, first.refresh_token);
  assert.equal(second.expires_in, 28800);
  const reused = await refresh(String(first.refresh_token));
  assert.equal(reused.error, 'bad_refresh_token');
  assert.equal(gh.isTokenActive(String(first.access_token)), false);
  assert.equal((await getUser(gh, String(first.access_token))).status, 401);
  assert.equal((await getUser(gh, String(second.access_token))).status, 200);
  // OAuth App tokens have no refresh token at all.
  assert.equal(
    (
      await tokenJSON(gh, {
        client_id: 'oauth-id',
        client_secret: 'oauth-secret',
        grant_type: 'refresh_token',
        refresh_token: 'ghr_x',
      })
    ).error,
    'bad_refresh_token',
  );
  // Refresh tokens last six months.
  gh.advance(15_897_600_000);
  assert.equal((await refresh(String(second.refresh_token))).error, 'bad_refresh_token');
  assert.equal(gh.stats.refreshes, 5);
});

test('dropNextRefreshResponse rotates, then loses the answer', async (t) => {
  const gh = await setup(t);
  const first = await signIn(gh, 'ghapp-id');
  gh.dropNextRefreshResponse();
  const params = {
    client_id: 'ghapp-id',
    client_secret: 'ghapp-secret',
    grant_type: 'refresh_token',
    refresh_token: String(first.refresh_token),
  };
  await assert.rejects(tokenRequest(gh, params));
  assert.equal(gh.isTokenActive(String(first.access_token)), false);
  assert.equal((await tokenJSON(gh, params)).error, 'bad_refresh_token');
  assert.equal(gh.stats.refreshes, 2);
});

test('approveAs(null) shows a sign-in page whose form authorizes or cancels', async (t) => {
  const gh = await setup(t);
  gh.approveAs(null);
  const query = new URLSearchParams({
    client_id: 'oauth-id',
    redirect_uri: CALLBACK,
    state: 'st<"',
    scope: 'user:email',
    login: 'hubot',
  });
  const res = await fetch(`${gh.url}/login/oauth/authorize?${query}`, { redirect: 'manual' });
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /GitHub <small>\(local double\)<\/small>/);
  assert.match(html, /<form method="post" action="\/login\/oauth\/authorize">/);
  assert.match(html, />Authorize</);
  assert.match(html, />Cancel</);
  assert.match(html, /name="login"[^>]*value="hubot"/);
  assert.ok(!html.includes('st<"'), 'state is escaped');
  const form = (extra: Record<string, string>): Promise<Response> =>
    fetch(`${gh.url}/login/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        client_id: 'oauth-id',
        redirect_uri: CALLBACK,
        state: 'st<"',
        scope: 'user:email',
        ...extra,
      }),
    });
  const unknown = await form({ login: 'ghost', authorize: 'authorize' });
  assert.equal(unknown.status, 200);
  assert.match(await unknown.text(), /Incorrect username/);
  const approved = await form({ login: 'hubot', authorize: 'authorize' });
  assert.equal(approved.status, 302);
  const location = new URL(approved.headers.get('location')!);
  assert.equal(location.searchParams.get('state'), 'st<"');
  const token = await tokenJSON(gh, {
    client_id: 'oauth-id',
    client_secret: 'oauth-secret',
    code: location.searchParams.get('code')!,
  });
  assert.equal(token.scope, 'user:email');
  const cancelled = await form({ login: 'hubot', authorize: 'cancel' });
  assert.equal(
    new URL(cancelled.headers.get('location')!).searchParams.get('error'),
    'access_denied',
  );
});

test('denyNext redirects once with GitHub access_denied parameters', async (t) => {
  const gh = await setup(t);
  gh.denyNext();
  const denied = await authorize(gh, {
    client_id: 'oauth-id',
    redirect_uri: CALLBACK,
    state: 'abc',
  });
  assert.equal(denied.searchParams.get('error'), 'access_denied');
  assert.equal(
    denied.searchParams.get('error_description'),
    'The user has denied your application access.',
  );
  assert.match(
    denied.searchParams.get('error_uri')!,
    /^https:\/\/docs\.github\.com\/.*#access-denied$/,
  );
  assert.equal(denied.searchParams.get('state'), 'abc');
  assert.equal(denied.searchParams.get('code'), null);
  assert.ok((await authorize(gh, { client_id: 'oauth-id' })).searchParams.get('code'));
});

test('a scope-less authorization reuses the scopes the user granted before', async (t) => {
  const gh = await setup(t);
  await signIn(gh, 'oauth-id', 'user');
  await signIn(gh, 'oauth-id', 'repo');
  const again = await signIn(gh, 'oauth-id', '');
  assert.equal(again.scope, 'user,repo');
});

test('a user whose primary email is unverified gets unverified_user_email', async (t) => {
  const gh = await setup(t);
  gh.addUser({
    login: 'newbie',
    emails: [{ email: 'n@example.com', primary: true, verified: false }],
  });
  gh.approveAs('newbie');
  const result = await signIn(gh);
  assert.equal(result.error, 'unverified_user_email');
  assert.equal(result.access_token, undefined);
});
