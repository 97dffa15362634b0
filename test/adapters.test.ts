// Each adapter on a real server on 127.0.0.1: a full sign-in with the GitHub double through
// real HTTP, the session on the request context, renewal re-sending the cookie, sign-out, and
// the socket address used for rate limiting.
import assert from 'node:assert/strict';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { H3 } from 'h3';
import { toNodeHandler as toH3NodeHandler } from 'h3/node';
import { createApp as createH3v1App, defineEventHandler, toNodeListener } from 'h3-v1';
import { Hono } from 'hono';
import Koa from 'koa';
import { latchkeyExpress } from '../src/adapters/express.ts';
import { latchkeyFastify } from '../src/adapters/fastify.ts';
import { latchkeyH3 } from '../src/adapters/h3.ts';
import { latchkeyHono, type LatchkeyVariables } from '../src/adapters/hono.ts';
import { latchkeyKoa } from '../src/adapters/koa.ts';
import { latchkeyAstro, type LatchkeyLocals } from '../src/adapters/astro.ts';
import type { CookieOptions } from '../src/adapters/cookie-options.ts';
import { getSession, sendResponse, toNodeHandler, toRequest } from '../src/adapters/node.ts';
import { latchkeySvelteKit } from '../src/adapters/sveltekit.ts';
import { createLatchkey, type Latchkey } from '../src/core/latchkey.ts';
import { createAuthHandler, type AuthHandler, type AuthHandlerOptions } from '../src/http/index.ts';
import type { OAuthProvider } from '../src/oauth/provider.ts';
import { github } from '../src/providers/github.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/index.ts';
import { countingStore, type CountingStore } from './http-harness.ts';

type Attrs = Record<string, unknown>;
type App = (auth: Latchkey<Attrs, Attrs>, handler: AuthHandler) => Promise<Server>;

const listen = (server: Server): Promise<Server> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));

const ADAPTERS: Record<string, App> = {
  'node:http': async (auth, handler) => {
    const routes = toNodeHandler(handler);
    return listen(
      createServer((req, res) => {
        if (req.url?.startsWith('/auth/')) return void routes(req, res);
        void getSession(auth, handler, req, res).then((result) => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ user: result?.user.attributes.username ?? null }));
        });
      }),
    );
  },
  hono: async (auth, handler) => {
    const app = new Hono<{ Variables: LatchkeyVariables<Attrs, Attrs> }>();
    app.use(latchkeyHono(auth, handler));
    app.get('/me', (c) => c.json({ user: c.get('user')?.attributes.username ?? null }));
    return new Promise((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
        resolve(server as Server),
      ) as Server;
    });
  },
  express: async (auth, handler) => {
    const app = express();
    app.use(latchkeyExpress(auth, handler));
    app.get('/me', (req, res) => {
      res.json({ user: req.latchkey?.user.attributes.username ?? null });
    });
    return listen(createServer(app));
  },
  fastify: async (auth, handler) => {
    const app = Fastify();
    const latchkey = latchkeyFastify(auth, handler);
    await app.register(latchkey);
    app.get('/me', async (request) => ({
      user: latchkey.current(request)?.user.attributes.username ?? null,
    }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app.server;
  },
  koa: async (auth, handler) => {
    const app = new Koa().use(latchkeyKoa(auth, handler));
    app.use((ctx) => {
      if (ctx.path === '/me') ctx.body = { user: ctx.state.user?.attributes.username ?? null };
    });
    return listen(createServer(app.callback()));
  },
  'h3 v2': async (auth, handler) => {
    const latchkey = latchkeyH3(auth, handler);
    const app = new H3().use(latchkey);
    app.get('/me', (event) => ({
      user: latchkey.current(event)?.user.attributes.username ?? null,
    }));
    return listen(createServer(toH3NodeHandler(app)));
  },
  // The h3 Nuxt 3 and 4 run (through Nitro): Node's request on the event.
  'h3 v1 (Nuxt)': async (auth, handler) => {
    const latchkey = latchkeyH3(auth, handler);
    const app = createH3v1App().use(defineEventHandler(latchkey));
    app.use(
      '/me',
      defineEventHandler((event) => ({
        user: latchkey.current(event)?.user.attributes.username ?? null,
      })),
    );
    return listen(createServer(toNodeListener(app)));
  },
  // The SvelteKit hook and the Astro middleware on the event and context shapes the frameworks
  // document (request, locals, client address, cookies.set), beside the real frameworks in
  // test/sveltekit-example.test.ts and test/astro-example.test.ts.
  'sveltekit (RequestEvent shape)': async (auth, handler) => {
    const handle = latchkeySvelteKit(auth, handler);
    return listen(
      createServer(
        shim(async (request, clientAddress, cookies) => {
          const event = { request, locals: {}, getClientAddress: () => clientAddress, cookies };
          return handle({
            event,
            resolve: (e) =>
              Response.json({
                user: (e.locals as LatchkeyLocals<Attrs>).user?.attributes.username ?? null,
              }),
          });
        }),
      ),
    );
  },
  'astro (APIContext shape)': async (auth, handler) => {
    const onRequest = latchkeyAstro(auth, handler);
    return listen(
      createServer(
        shim(async (request, clientAddress, cookies) => {
          const context = { request, locals: {} as LatchkeyLocals<Attrs>, clientAddress, cookies };
          return onRequest(context, async () =>
            Response.json({ user: context.locals.user?.attributes.username ?? null }),
          );
        }),
      ),
    );
  },
};

/**
 * A node:http server over a fetch-style framework entry: the request, the socket address and a
 * `cookies.set` whose cookies are added to the answer, as SvelteKit and Astro do.
 */
function shim(
  entry: (
    request: Request,
    clientAddress: string,
    cookies: { set(name: string, value: string, options: CookieOptions): void },
  ) => Promise<Response>,
) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const set: string[] = [];
    const cookies = {
      set(name: string, value: string, o: CookieOptions) {
        const secure = o.secure ? '; Secure' : '';
        set.push(
          `${name}=${value}; Path=${o.path}; HttpOnly; SameSite=${o.sameSite}${secure}; Expires=${o.expires.toUTCString()}`,
        );
      },
    };
    const request = await toRequest(req);
    const response = await entry(request, req.socket.remoteAddress!, cookies);
    const headers = new Headers(response.headers);
    for (const cookie of set) headers.append('set-cookie', cookie);
    await sendResponse(res, new Response(response.body, { status: response.status, headers }));
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

for (const [name, makeApp] of Object.entries(ADAPTERS)) {
  describe(`${name} adapter`, () => {
    let double: GitHubDouble;
    let server: Server;
    let base: string;
    let counting: CountingStore;
    const now = { value: Date.now() };

    before(async () => {
      double = await startGitHubDouble();
      counting = countingStore(memoryStore({ now: () => now.value }));
      const auth = createLatchkey<Attrs, Attrs>({
        store: counting.store,
        cookie: { insecureLocalhost: true },
        now: () => now.value,
      });
      const provider = github({
        clientId: 'adapter-client',
        clientSecret: 'adapter-secret',
        endpoints: { web: double.url, api: double.url },
      }) as unknown as OAuthProvider;
      const handler = createAuthHandler(auth, {
        providers: [provider],
        secret: 'adapter-test-secret-0123456789abcdef',
        rateLimit: { signIn: 3 },
        logger: { error: () => {} },
      });
      server = await makeApp(auth, handler);
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      double.addApp({
        clientId: 'adapter-client',
        clientSecret: 'adapter-secret',
        kind: 'oauth-app',
        callbackURLs: [`${base}/auth/github/callback`],
      });
      double.addUser({ login: 'octocat' });
    });

    after(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await double.close();
    });

    it('signs in through real HTTP and exposes the session to the app', async () => {
      const jar = new Jar();
      const me = base + (name === 'node:http' ? '/' : '/me');
      assert.deepEqual(await (await jar.fetch(me)).json(), { user: null });
      const start = await jar.fetch(`${base}/auth/github`);
      assert.equal(start.status, 302);
      const port = new URL(base).port;
      assert.ok(jar.cookies.has(`latchkey_flow_${port}`), 'plain cookie on http://127.0.0.1');
      const atDouble = await fetch(start.headers.get('location')!, { redirect: 'manual' });
      const callback = await jar.fetch(atDouble.headers.get('location')!);
      assert.equal(callback.status, 302);
      assert.equal(callback.headers.get('location'), `${base}/`);
      assert.ok(jar.cookies.get(`latchkey_session_${port}`)?.startsWith('lks_'));
      assert.ok(!jar.cookies.has(`latchkey_flow_${port}`));
      assert.deepEqual(await (await jar.fetch(me)).json(), { user: 'octocat' });

      // Renewal: the helper re-sends the cookie.
      now.value += 2 * 60 * 60_000;
      const renewed = await jar.fetch(me);
      assert.ok(
        renewed.headers.getSetCookie().some((c) => c.startsWith(`latchkey_session_${port}=lks_`)),
      );
      await renewed.arrayBuffer();

      const session = await jar.fetch(`${base}/auth/session`);
      assert.equal(session.status, 200);
      await session.arrayBuffer();
      const forged = await jar.fetch(`${base}/auth/logout`, {
        method: 'POST',
        headers: { origin: 'http://evil.test' },
      });
      assert.equal(forged.status, 403);
      await forged.arrayBuffer();
      const out = await jar.fetch(`${base}/auth/logout`, {
        method: 'POST',
        headers: { origin: base },
      });
      assert.equal(out.status, 204);
      assert.deepEqual(await (await jar.fetch(me)).json(), { user: null });
    });

    it('rate-limits by the socket address, not X-Forwarded-For', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await fetch(`${base}/auth/github`, {
          redirect: 'manual',
          headers: { 'x-forwarded-for': `10.0.0.${i}` },
        });
        statuses.push(r.status);
        await r.arrayBuffer();
      }
      assert.equal(statuses.at(-1), 429);
      assert.ok(counting.counterKeys.length > 0);
      assert.ok(
        counting.counterKeys.every(
          (k) => k.endsWith(':127.0.0.1') || k.endsWith(':::ffff:127.0.0.1'),
        ),
        counting.counterKeys.join(),
      );
    });

    it('answers unknown and malformed auth paths with 4xx', async () => {
      for (const path of [
        '/auth/nope',
        '/auth/..%2fgithub',
        '/auth/github%2fcallback',
        '/auth/github/callback/x',
      ]) {
        const r = await fetch(`${base}${path}`, { redirect: 'manual' });
        assert.equal(r.status, 404, path);
        await r.arrayBuffer();
      }
    });
  });
}

/** A GET over node:http, so that the `Host` header can name another host than the socket's. */
function get(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; setCookies: string[] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, body, setCookies: res.headers['set-cookie'] ?? [] }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

// The cookie's name (`__Host-` or the plain loopback-development one) follows one input, the
// app's origin for the request as the handler sees it; every reader must agree on it, or a user
// signed in by the routes would look signed out to the app's own pages (or the other way round).
describe('the handler, each adapter and handleRequest agree on the session cookie name', () => {
  const HOST = '__Host-latchkey_session';
  // The development name carries the server's port, known once it listens.
  const PLAIN = 'latchkey_session_<port>';
  const named = (name: string, port: number): string =>
    name === PLAIN ? `latchkey_session_${port}` : name;
  const scenarios: {
    name: string;
    options: Partial<AuthHandlerOptions<Attrs, Attrs>>;
    headers: Record<string, string>;
    expected: string;
  }[] = [
    {
      name: 'https origin (the origin option, served on loopback http)',
      options: { origin: 'https://app.example' },
      headers: {},
      expected: HOST,
    },
    {
      name: 'https origin from a trusted proxy, served on loopback http',
      options: { trustProxy: true },
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example' },
      expected: HOST,
    },
    {
      name: 'http loopback with cookie.insecureLocalhost',
      options: {},
      headers: {},
      expected: PLAIN,
    },
    {
      name: 'http non-loopback',
      options: {},
      headers: { host: 'app.test' },
      expected: HOST,
    },
  ];

  for (const [adapter, makeApp] of Object.entries(ADAPTERS)) {
    for (const scenario of scenarios) {
      it(`${adapter}: ${scenario.name} → ${scenario.expected}`, async () => {
        const now = { value: Date.now() };
        const auth = createLatchkey<Attrs, Attrs>({
          store: memoryStore({ now: () => now.value }),
          cookie: { insecureLocalhost: true },
          now: () => now.value,
        });
        const handler = createAuthHandler(auth, {
          providers: [],
          secret: 'adapter-test-secret-0123456789abcdef',
          rateLimit: false,
          ...scenario.options,
        });
        const server = await makeApp(auth, handler);
        const port = (server.address() as AddressInfo).port;
        try {
          const user = await auth.createUser({ attributes: { username: 'octocat' } });
          const { token } = await auth.createSession({ userId: user.id });
          const me = adapter === 'node:http' ? '/' : '/me';
          const host = scenario.headers.host ?? `127.0.0.1:${port}`;
          const seenBy = async (name: string) => {
            const headers = { ...scenario.headers, cookie: `${name}=${token}` };
            const routes = await get(port, '/auth/session', headers);
            const app = await get(port, me, headers);
            // The same request as a fetch `Request`, for `auth.handleRequest`.
            const request = new Request(`http://${host}${me}`, { headers });
            const helper = await auth
              .handleRequest(request, handler.requestOrigin(request))
              .validate();
            return {
              routes: routes.status === 200,
              adapter: (JSON.parse(app.body) as { user: string | null }).user === 'octocat',
              handleRequest: helper?.user.id === user.id,
            };
          };
          const expected = named(scenario.expected, port);
          const others = [named(scenario.expected === HOST ? PLAIN : HOST, port)];
          // Another local server's development cookie (another port) is never read.
          if (scenario.expected === PLAIN) others.push(`latchkey_session_${port + 1}`);
          assert.deepEqual(await seenBy(expected), {
            routes: true,
            adapter: true,
            handleRequest: true,
          });
          for (const other of others) {
            assert.deepEqual(
              await seenBy(other),
              { routes: false, adapter: false, handleRequest: false },
              other,
            );
          }

          // A renewal is re-sent under the same name by the routes and by the adapter.
          const headers = { ...scenario.headers, cookie: `${expected}=${token}` };
          for (const path of ['/auth/session', me]) {
            now.value += 2 * 60 * 60_000;
            const renewed = await get(port, path, headers);
            assert.equal(renewed.setCookies.length, 1, path);
            assert.ok(renewed.setCookies[0]!.startsWith(`${expected}=lks_`), path);
          }
        } finally {
          server.closeAllConnections();
          await new Promise((resolve) => server.close(resolve));
        }
      });
    }
  }
});
