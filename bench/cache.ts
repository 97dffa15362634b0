// Session-cache benchmark over HTTP (npm run bench:cache [-- --quick] [-- --store sqlite|postgres]).
// One server process pinned to one core serves /bare, /latchkey (no cache) and /cached (the
// session cache, TTL 60 s) on one store; autocannon in this process drives each route in ABBA
// rounds with cookies drawn from 1,000 hot sessions out of 100,000. Prints one JSON line per
// store, with the cache's hit ratio and an in-process comparison of µs per validation.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createLatchkey } from '../src/index.ts';
import type { Store } from '../src/store.ts';
import { dropTablesSql, tableNames } from '../src/stores/migrations.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import { fillDatabase } from './fill-db.ts';
import { load, median, startServer, type Run } from './load.ts';
import { dollarParams, fillRows, insertSqlRows } from './store-fill.ts';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const only = argv.includes('--store') ? argv[argv.indexOf('--store') + 1] : undefined;
// Short rounds, many of them: see bench/session.ts.
const duration = quick ? 1 : 2;
const rounds = quick ? 1 : 15;
const sessions = quick ? 2_000 : 100_000;
const hot = 1_000;
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const server = join(import.meta.dirname, 'cache-server.ts');
const routes = ['bare', 'latchkey', 'cached'] as const;
type Route = (typeof routes)[number];

/**
 * In this process, µs per validation one after another, without and with the cache (ABBA
 * rounds, medians): the cache's own cost, which HTTP noise on a loaded machine can hide.
 */
async function inProcess(store: Store, tokens: string[]): Promise<Record<string, number>> {
  const plain = createLatchkey({ store });
  const cached = createLatchkey({ store, sessionCache: { maxEntries: 50_000, ttl: 60_000 } });
  await cached.sessionCache!.ready();
  const n = quick ? 2_000 : 50_000;
  const time = async (auth: typeof plain): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      if (!(await auth.validateSession(tokens[(Math.random() * tokens.length) | 0]))) {
        throw new Error('validation failed');
      }
    }
    return ((performance.now() - started) * 1_000) / n;
  };
  await time(plain);
  await time(cached);
  const us = { plain: [] as number[], cached: [] as number[] };
  for (let r = 0; r < (quick ? 2 : 6); r++) {
    const order = r % 2 === 0 ? (['plain', 'cached'] as const) : (['cached', 'plain'] as const);
    for (const name of order) us[name].push(await time(name === 'plain' ? plain : cached));
  }
  return {
    inprocess_uncached_us: Number(median(us.plain).toFixed(1)),
    inprocess_cached_us: Number(median(us.cached).toFixed(1)),
  };
}

async function run(
  store: 'sqlite' | 'postgres',
  target: string,
  tokens: string[],
  inprocess: Record<string, number>,
): Promise<void> {
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
    const stats = (await (await fetch(`http://127.0.0.1:${handle.port}/stats`)).json()) as {
      hits: number;
      misses: number;
    };
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
        cache_hit_ratio: Number((stats.hits / (stats.hits + stats.misses)).toFixed(3)),
        ...inprocess,
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
    const store = sqliteStore(join(dir, 'cache.db'));
    const inprocess = await inProcess(store, tokens);
    await store.close();
    await run('sqlite', join(dir, 'cache.db'), tokens, inprocess);
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
    const inprocess = await inProcess(store, tokens);
    // Stops the cache's LISTEN connection, which would keep the pool from ending.
    await store.close();
    await run('postgres', prefix, tokens, inprocess);
  } finally {
    for (const sql of dropTablesSql('postgres', prefix)) await pool.query(sql);
    await pool.end();
  }
}
