// Session-cache benchmark over HTTP (npm run bench:cache [-- --quick] [-- --store sqlite|postgres]).
// One server process pinned to one core serves /bare, /latchkey (no cache) and /cached (the
// session cache) on one store; autocannon in this process drives each route in ABBA rounds with
// cookies drawn from 5,000 hot sessions out of 100,000. Prints one JSON line per store.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { dropTablesSql, tableNames } from '../src/stores/migrations.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { fillDatabase } from './fill-db.ts';
import { load, median, startServer, type Run } from './load.ts';
import { dollarParams, fillRows, insertSqlRows } from './store-fill.ts';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const only = argv.includes('--store') ? argv[argv.indexOf('--store') + 1] : undefined;
const duration = quick ? 1 : 6;
const rounds = quick ? 1 : 5;
const sessions = quick ? 2_000 : 100_000;
const hot = quick ? 1_000 : 5_000;
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const server = join(import.meta.dirname, 'cache-server.ts');
const routes = ['bare', 'latchkey', 'cached'] as const;
type Route = (typeof routes)[number];

async function run(store: 'sqlite' | 'postgres', target: string, tokens: string[]): Promise<void> {
  const handle = await startServer(server, [store, target]);
  try {
    const runs: Record<Route, Run[]> = { bare: [], latchkey: [], cached: [] };
    const toBare: number[] = [];
    // Warm-up: JIT, page cache, the cache itself.
    if (!quick) for (const route of routes) await load(handle.port, `/${route}`, tokens, 2);
    for (let r = 0; r < rounds; r++) {
      const order: readonly Route[] = r % 2 === 0 ? routes : [...routes].reverse();
      for (const route of order) {
        const result = await load(handle.port, `/${route}`, tokens, duration);
        runs[route].push(result);
        process.stderr.write(
          `${store} round ${r + 1} ${route.padEnd(8)} ${result.rps.toFixed(0)} req/s\n`,
        );
      }
      toBare.push(runs.cached[r]!.rps / runs.bare[r]!.rps);
    }
    const rps = (route: Route) => Math.round(median(runs[route].map((x) => x.rps)));
    console.log(
      JSON.stringify({
        benchmark: 'session-cache',
        store,
        sessions,
        hot_sessions: tokens.length,
        rounds,
        duration_s: duration,
        connections: 50,
        bare_rps: rps('bare'),
        latchkey_rps: rps('latchkey'),
        cached_rps: rps('cached'),
        cached_p99_ms: median(runs.cached.map((x) => x.p99)),
        ratio_to_bare: Number(median(toBare).toFixed(3)),
        ratio_to_uncached: Number((rps('cached') / rps('latchkey')).toFixed(3)),
      }),
    );
  } finally {
    handle.child.kill('SIGTERM');
  }
}

if (only === undefined || only === 'sqlite') {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
  try {
    const tokens = await fillDatabase(join(dir, 'cache.db'), sessions, hot);
    spawnSync('sync');
    await run('sqlite', join(dir, 'cache.db'), tokens);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (only === undefined || only === 'postgres') {
  const prefix = `lkb_${Math.random().toString(36).slice(2, 10)}_`;
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 4 });
  try {
    const store = postgresStore(pool, { tablePrefix: prefix });
    await store.migrate();
    const tables = tableNames('postgres', prefix);
    const tokens = await fillRows(sessions, hot, 4_000, (rows, now) =>
      insertSqlRows((s, p) => pool.query({ text: dollarParams(s), values: p }), tables, rows, now),
    );
    await run('postgres', prefix, tokens);
  } finally {
    for (const sql of dropTablesSql('postgres', prefix)) await pool.query(sql);
    await pool.end();
  }
}
