// Every framework example under examples/ signs in against the GitHub double through real HTTP:
// signed-out page → /auth/github → the double → the callback → the signed-in page (the user's
// typed attributes) → /auth/session → sign-out → signed out again.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { toNodeHandler } from 'h3/node';
import { createAuth, type Auth } from '../examples/shared/auth.ts';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/index.ts';

interface Running {
  url: string;
  close(): Promise<void>;
}

const EXAMPLES: Record<string, (setup: Auth) => Promise<Running>> = {
  fastify: async (setup) => {
    const { createApp } = await import('../examples/fastify/server.ts');
    const app = createApp(setup);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
  koa: async (setup) => {
    const { createApp } = await import('../examples/koa/server.ts');
    return listen(createServer(createApp(setup).callback()));
  },
  h3: async (setup) => {
    const { createApp } = await import('../examples/h3/server.ts');
    return listen(createServer(toNodeHandler(createApp(setup))));
  },
};

/** A node:http server on a free loopback port. */
async function listen(server: Server): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Cookie jar over real fetch with manual redirects. */
class Jar {
  cookies = new Map<string, string>();
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size)
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      if (line.includes('Max-Age=0')) this.cookies.delete(pair!.slice(0, eq));
      else this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return response;
  }
}

let double: GitHubDouble;
before(async () => {
  double = await startGitHubDouble();
  // Loopback callbacks match on any port, as at GitHub: one app serves every example.
  double.addApp({
    clientId: 'examples-client',
    clientSecret: 'examples-secret',
    kind: 'oauth-app',
    callbackURLs: ['http://127.0.0.1/auth/github/callback'],
  });
  double.addUser({ login: 'octocat' });
});
after(() => double.close());

/** The whole browser round trip against a running example. */
async function signInRoundTrip(base: string, home = '/'): Promise<void> {
  const jar = new Jar();
  const signedOut = await (await jar.fetch(base + home)).text();
  assert.match(signedOut, /href="\/auth\/github"/);
  const start = await jar.fetch(`${base}/auth/github`);
  assert.equal(start.status, 302);
  const authorize = new URL(start.headers.get('location')!);
  assert.equal(authorize.origin + authorize.pathname, `${double.url}/login/oauth/authorize`);
  assert.equal(authorize.searchParams.get('redirect_uri'), `${base}/auth/github/callback`);
  const atDouble = await fetch(authorize, { redirect: 'manual' });
  const callbackURL = atDouble.headers.get('location')!;
  assert.ok(callbackURL.startsWith(`${base}/auth/github/callback?`), callbackURL);
  const callback = await jar.fetch(callbackURL);
  assert.equal(callback.status, 302, await callback.clone().text());
  assert.equal(callback.headers.get('location'), `${base}/`);
  const port = new URL(base).port;
  assert.ok(jar.cookies.get(`latchkey_session_${port}`)?.startsWith('lks_'));
  assert.equal(await (await jar.fetch(base + home)).text(), 'Hi octocat');
  const session = await jar.fetch(`${base}/auth/session`);
  assert.equal(session.status, 200);
  assert.equal(
    ((await session.json()) as { user: { attributes: { username: string } } }).user.attributes
      .username,
    'octocat',
  );
  const out = await jar.fetch(`${base}/auth/logout`, {
    method: 'POST',
    headers: { origin: base },
  });
  assert.equal(out.status, 204);
  await out.arrayBuffer();
  assert.ok(!jar.cookies.has(`latchkey_session_${port}`));
  assert.match(await (await jar.fetch(base + home)).text(), /href="\/auth\/github"/);
}

for (const [name, start] of Object.entries(EXAMPLES)) {
  describe(`examples/${name}`, () => {
    let running: Running;
    before(async () => {
      running = await start(
        createAuth({
          GITHUB_CLIENT_ID: 'examples-client',
          GITHUB_CLIENT_SECRET: 'examples-secret',
          GITHUB_WEB_URL: double.url,
          GITHUB_API_URL: double.url,
          SESSION_SECRET: 'examples-session-secret-0123456789abcdef',
        }),
      );
    });
    after(() => running.close());

    it('signs in against the GitHub double, shows the user, signs out', async () => {
      await signInRoundTrip(running.url);
    });
  });
}
