// The Lucia v2 style Hono server (examples/lucia-v2-hono), end to end against the GitHub double:
// the desktop app's loopback listener, the browser (manual redirects, cookies by hand), bearer
// tokens on /user and /logout. The example imports latchkey by its package name, so it runs on
// the built package (`npm test` builds first).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/index.ts';
import { freePort } from './helpers.ts';
import { CookieJar, close, listen } from './oauth-fixtures.ts';

let gh: GitHubDouble;
let server: ServerType;
let base: string;

before(async () => {
  gh = await startGitHubDouble();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  gh.addApp({
    clientId: 'tauri-app',
    clientSecret: 'tauri-secret-000',
    kind: 'oauth-app',
    callbackURLs: [`${base}/login/github/callback`],
  });
  gh.addUser({ login: 'octocat', id: 583231 });
  gh.addUser({ login: 'hubot', id: 2 });
  Object.assign(process.env, {
    GITHUB_CLIENT_ID: 'tauri-app',
    GITHUB_CLIENT_SECRET: 'tauri-secret-000',
    GITHUB_REDIRECT_URI: `${base}/login/github/callback`,
    GITHUB_WEB_URL: gh.url,
    GITHUB_API_URL: gh.url,
  });
  const { app } = await import('../examples/lucia-v2-hono/server.ts');
  server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await gh.close();
});

/** What the Tauri app does: listen on 127.0.0.1:0, open /login/github?port=N, wait for the token. */
async function signInLikeTheApp(login: string): Promise<string> {
  let received: (url: URL) => void;
  const arrived = new Promise<URL>((resolve) => (received = resolve));
  const listener = await listen((req, res) => {
    res.end('Successfully logged in. You can now close this tab.');
    received(new URL(req.url!, 'http://127.0.0.1'));
  });
  const appPort = new URL(listener.url).port;
  gh.approveAs(login);
  const jar = new CookieJar();
  let next = `${base}/login/github?port=${appPort}`;
  try {
    for (let hop = 0; hop < 6; hop++) {
      const url = new URL(next);
      // The server redirects to http://localhost:N; our listener is on 127.0.0.1.
      if (url.hostname === 'localhost') url.hostname = '127.0.0.1';
      const sameServer = url.origin === base;
      const response = await fetch(url, {
        redirect: 'manual',
        headers: sameServer ? { cookie: jar.header() } : {},
      });
      if (sameServer) jar.store(response);
      const location = response.headers.get('location');
      if (!location) {
        assert.equal(response.status, 200, `stopped at ${url.pathname} with ${response.status}`);
        break;
      }
      assert.ok(
        !location.includes(jar.cookies.get('github_oauth_code_verifier') ?? '\0'),
        'verifier in a URL',
      );
      next = new URL(location, url).href;
    }
    const final = await arrived;
    return final.searchParams.get('session_token')!;
  } finally {
    await close(listener.server);
  }
}

test('Lucia v2 style: sign in, /user with the bearer token, second sign-in, logout', async () => {
  const token = await signInLikeTheApp('octocat');
  assert.match(token, /^lks_/);
  const me = await fetch(`${base}/user`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(me.status, 200);
  const user = (await me.json()) as { id: string; attributes: { username: string } };
  assert.equal(user.attributes.username, 'octocat');

  const again = await signInLikeTheApp('octocat');
  assert.notEqual(again, token, 'a new session on every sign-in');
  const me2 = (await (
    await fetch(`${base}/user`, { headers: { authorization: `Bearer ${again}` } })
  ).json()) as { id: string };
  assert.equal(me2.id, user.id, 'the same user: looked up by GitHub account, not recreated');

  const other = await signInLikeTheApp('hubot');
  const hubot = (await (
    await fetch(`${base}/user`, { headers: { authorization: `Bearer ${other}` } })
  ).json()) as { id: string };
  assert.notEqual(hubot.id, user.id);

  assert.equal(
    (
      await fetch(`${base}/logout`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      })
    ).status,
    200,
  );
  assert.equal(
    (await fetch(`${base}/user`, { headers: { authorization: `Bearer ${token}` } })).status,
    401,
  );
  assert.equal(
    (await fetch(`${base}/user`, { headers: { authorization: `Bearer ${again}` } })).status,
    200,
  );
  assert.equal((await fetch(`${base}/user`)).status, 401);
  assert.equal((await fetch(`${base}/logout`, { method: 'POST' })).status, 401);
});

test('Lucia v2 style: a forged or missing state, and a bad code, answer 400', async () => {
  const before = gh.stats.tokenRequests;
  const noCookie = await fetch(`${base}/login/github/callback?code=abc&state=xyz`, {
    redirect: 'manual',
  });
  assert.equal(noCookie.status, 400);
  const forged = await fetch(`${base}/login/github/callback?code=abc&state=xyz`, {
    redirect: 'manual',
    headers: {
      cookie: 'github_oauth_state=other; redirect_port=1234; github_oauth_code_verifier=v',
    },
  });
  assert.equal(forged.status, 400);
  assert.equal((await fetch(`${base}/login/github`)).status, 400, 'port is required');
  assert.equal(gh.stats.tokenRequests, before);

  // A bad code at GitHub (HTTP 200 + error) is an OAuthRequestError → 400.
  const start = await fetch(`${base}/login/github?port=1234`, { redirect: 'manual' });
  const jar = new CookieJar();
  jar.store(start);
  const state = jar.cookies.get('github_oauth_state')!;
  const iss = encodeURIComponent(`${gh.url}/login/oauth`);
  const bad = await fetch(`${base}/login/github/callback?code=wrong&state=${state}&iss=${iss}`, {
    redirect: 'manual',
    headers: { cookie: jar.header() },
  });
  assert.equal(bad.status, 400);
  assert.equal(gh.stats.tokenRequests, before + 1);
});

test('the example imports latchkey only by its public subpaths, never src/', () => {
  const dir = join(import.meta.dirname, '../examples/lucia-v2-hono');
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  const publicNames = Object.keys(pkg.exports).map((k) => `latchkey${k.slice(1)}`);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const [, spec] of text.matchAll(/^import [^;]*?from '([^']+)';/gms)) {
      if (spec!.startsWith('./')) continue; // the example's own files
      assert.ok(!spec!.startsWith('.'), `${file} imports ${spec} by path`);
      if (spec!.startsWith('latchkey')) assert.ok(publicNames.includes(spec!), `${file}: ${spec}`);
    }
  }
});
