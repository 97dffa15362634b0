// The benchmark server: three routes on plain node:http, one process, one core.
//   /bare      fixed JSON (ceiling)
//   /raw       one prepared SQL join of session and user, no library (the practical floor);
//              it reads the cookie exactly the way latchkey does
//   /latchkey  latchkey's validateSession over the SQLite store
// Usage: node bench/server.ts <sqlite file>; prints the port on stdout.
import { createServer } from 'node:http';
import { DatabaseSync } from 'node:sqlite';
import { createLatchkey } from '../src/index.ts';
import { readCookie } from '../src/core/cookies.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import { RAW_JOIN } from './in-process.ts';
import { listenAndPrintPort } from './listen.ts';

const path = process.argv[2];
if (!path) throw new Error('usage: server.ts <db>');

const auth = createLatchkey({ store: sqliteStore(path) });
const cookieName = auth.sessionCookieName();

const db = new DatabaseSync(path);
db.exec('PRAGMA journal_mode=WAL; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456');
const rawLookup = db.prepare(RAW_JOIN);

const BARE = JSON.stringify({ ok: true });
const json = { 'content-type': 'application/json' };

const server = createServer((req, res) => {
  const url = req.url ?? '';
  if (url === '/bare') {
    res.writeHead(200, json).end(BARE);
  } else if (url === '/raw') {
    const token = readCookie(req.headers.cookie, cookieName);
    const id = token ? token.slice(4, 28) : null;
    const row = id
      ? (rawLookup.get(id) as { user_id: string; attributes: string } | undefined)
      : undefined;
    if (!row) res.writeHead(401).end();
    else
      res
        .writeHead(200, json)
        .end(JSON.stringify({ userId: row.user_id, attributes: JSON.parse(row.attributes) }));
  } else if (url === '/latchkey') {
    auth.validateSession(auth.readSessionCookie(req.headers.cookie)).then(
      (result) => {
        if (!result) res.writeHead(401).end();
        else
          res
            .writeHead(200, json)
            .end(JSON.stringify({ userId: result.user.id, attributes: result.user.attributes }));
      },
      () => res.writeHead(500).end(),
    );
  } else {
    res.writeHead(404).end();
  }
});
listenAndPrintPort(server);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
