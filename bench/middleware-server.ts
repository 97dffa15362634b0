// One framework's server for the middleware benchmark, two routes answering the same JSON:
//   /direct  `auth.validateSession(auth.readSessionCookie(cookie))` in the framework's own route
//   /me      the session as latchkey's middleware for that framework hands it to the route
// Both answer 401 without a valid session, so a route that stopped validating fails the run.
// Usage: node bench/middleware-server.ts <hono|express|node> <sqlite file>; prints the port.
import { serve } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { createServer, type IncomingMessage } from 'node:http';
import { createLatchkey, type SessionValidationResult } from '../src/index.ts';
import { latchkeyExpress } from '../src/adapters/express.ts';
import { latchkeyHono } from '../src/adapters/hono.ts';
import { getSession } from '../src/adapters/node.ts';
import { createAuthHandler } from '../src/http/index.ts';
import { github } from '../src/providers/index.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import { listenAndPrintPort } from './listen.ts';

const [framework, path] = process.argv.slice(2);
if (!path) throw new Error('usage: middleware-server.ts <hono|express|node> <db>');

const auth = createLatchkey({ store: sqliteStore(path) });
const handler = createAuthHandler(auth, {
  providers: [github({ clientId: 'bench', clientSecret: 'bench' })],
  secret: 'b'.repeat(32),
  rateLimit: false,
});

const body = (result: SessionValidationResult | null): string | null =>
  result ? JSON.stringify({ userId: result.user.id, attributes: result.user.attributes }) : null;
const direct = (req: IncomingMessage) =>
  auth.validateSession(auth.readSessionCookie(req.headers.cookie));

const json = { 'content-type': 'application/json' };

if (framework === 'hono') {
  const app = new Hono();
  const answer = (text: string | null) =>
    text === null ? new Response(null, { status: 401 }) : new Response(text, { headers: json });
  // Registered before the middleware, so this route never runs it.
  app.get('/direct', async (c) => {
    const result = await auth.validateSession(auth.readSessionCookie(c.req.header('cookie')));
    return answer(body(result));
  });
  app.use(latchkeyHono(auth, handler));
  app.get('/me', (c) => {
    const user = c.get('user');
    const session = c.get('session');
    return answer(user && session ? body({ user, session }) : null);
  });
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    process.stdout.write(`${info.port}\n`);
  });
} else if (framework === 'express') {
  const app = express();
  const answer = (res: express.Response, text: string | null) =>
    text === null ? void res.status(401).end() : void res.type('json').send(text);
  app.get('/direct', (req, res, next) => {
    direct(req).then((result) => answer(res, body(result)), next);
  });
  const latchkey = latchkeyExpress(auth, handler);
  app.use(latchkey);
  app.get('/me', (req, res) => answer(res, body(latchkey.current(req))));
  listenAndPrintPort(createServer(app));
} else if (framework === 'node') {
  listenAndPrintPort(
    createServer((req, res) => {
      const read = req.url === '/direct' ? direct(req) : getSession(auth, handler, req, res);
      read.then(
        (result) => {
          const text = body(result);
          if (text === null) res.writeHead(401).end();
          else res.writeHead(200, json).end(text);
        },
        () => res.writeHead(500).end(),
      );
    }),
  );
} else {
  throw new Error(`unknown framework ${framework}`);
}
process.on('SIGTERM', () => process.exit(0));
