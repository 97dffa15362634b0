// One framework's server for the adapter benchmark: `/bare` (the framework's own fixed-JSON
// route) and `/auth/session` through latchkey's adapter for that framework.
// Usage: node bench/adapter-server.ts <hono|express|node> <sqlite file>; prints the port.
import { serve } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { createServer } from 'node:http';
import { createLatchkey } from '../src/index.ts';
import { latchkeyExpress } from '../src/adapters/express.ts';
import { latchkeyHono } from '../src/adapters/hono.ts';
import { toNodeHandler } from '../src/adapters/node.ts';
import { createAuthHandler } from '../src/http/index.ts';
import { github } from '../src/providers/index.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import { listenAndPrintPort } from './listen.ts';

const [framework, path] = process.argv.slice(2);
if (!path) throw new Error('usage: adapter-server.ts <hono|express|node> <db>');

const auth = createLatchkey({ store: sqliteStore(path) });
const handler = createAuthHandler(auth, {
  providers: [github({ clientId: 'bench', clientSecret: 'bench' })],
  secret: 'b'.repeat(32),
  rateLimit: false,
});
const BARE = { ok: true };

if (framework === 'hono') {
  const app = new Hono();
  app.get('/bare', (c) => c.json(BARE));
  app.use(latchkeyHono(auth, handler));
  serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    process.stdout.write(`${info.port}\n`);
  });
} else if (framework === 'express') {
  const app = express();
  app.get('/bare', (_req, res) => void res.json(BARE));
  app.use(latchkeyExpress(auth, handler));
  listenAndPrintPort(createServer(app));
} else if (framework === 'node') {
  const routes = toNodeHandler(handler);
  const body = JSON.stringify(BARE);
  listenAndPrintPort(
    createServer((req, res) => {
      if (req.url === '/bare') res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      else void routes(req, res);
    }),
  );
} else {
  throw new Error(`unknown framework ${framework}`);
}
process.on('SIGTERM', () => process.exit(0));
