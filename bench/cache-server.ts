// The session-cache benchmark server: three routes on plain node:http, one process, one core.
//   /bare      fixed JSON (ceiling)
//   /latchkey  validateSession without a cache
//   /cached    validateSession with the session cache (on the same store), TTL 60 s
//   /stats     the cache's hits and misses
// Usage: node bench/cache-server.ts sqlite <file> | postgres <table prefix>; prints the port.
import { createServer } from 'node:http';
import { createLatchkey, type Latchkey } from '../src/index.ts';
import type { Store } from '../src/store.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import { listenAndPrintPort } from './listen.ts';

const [kind, target] = process.argv.slice(2);
if ((kind !== 'sqlite' && kind !== 'postgres') || !target) {
  throw new Error('usage: cache-server.ts sqlite <file> | postgres <table prefix>');
}
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const store: Store =
  kind === 'sqlite' ? sqliteStore(target) : postgresStore(POSTGRES_URL, { tablePrefix: target });
const plain = createLatchkey({ store });
const cached = createLatchkey({ store, sessionCache: { maxEntries: 50_000, ttl: 60_000 } });
await cached.sessionCache!.ready();

const BARE = JSON.stringify({ ok: true });
const json = { 'content-type': 'application/json' };

function validate(
  auth: Latchkey,
  cookie: string | undefined,
  res: import('node:http').ServerResponse,
) {
  auth.validateSession(auth.readSessionCookie(cookie)).then(
    (result) => {
      if (!result) res.writeHead(401).end();
      else
        res
          .writeHead(200, json)
          .end(JSON.stringify({ userId: result.user.id, attributes: result.user.attributes }));
    },
    () => res.writeHead(500).end(),
  );
}

const server = createServer((req, res) => {
  const url = req.url ?? '';
  if (url === '/bare') res.writeHead(200, json).end(BARE);
  else if (url === '/latchkey') validate(plain, req.headers.cookie, res);
  else if (url === '/cached') validate(cached, req.headers.cookie, res);
  else if (url === '/stats') {
    const { hits, misses } = cached.sessionCache!;
    res.writeHead(200, json).end(JSON.stringify({ hits, misses }));
  } else res.writeHead(404).end();
});
listenAndPrintPort(server);
process.on('SIGTERM', () => server.close(() => void store.close().finally(() => process.exit(0))));
