// PostgreSQL validation cost as the session table grows (npm run bench:pg-scale [-- --quick]).
// One table is grown in steps (1k, 100k, 1M users and sessions; --quick: 500, 2k) and at each
// size latchkey's `validateSession` is measured against one prepared `pg` JOIN of session and
// user (latchkey's own statement text) on the same pool — and, as a second floor, the same
// through pg's callback form with rows as arrays — as bench/stores.ts does: 16 loops,
// ABBA rounds, median ratio. Tokens are drawn uniformly from every session filled so far, so
// the larger sizes read a working set bigger than shared_buffers, not a cached few pages.
// Rows go in as one `unnest` INSERT per 10,000 (two statements on two connections at a time).
// Prints one JSON line per size, then a summary line (latchkey at the largest size / smallest).
// Usage: node bench/pg-scale.ts [--quick] [--sizes 1000,100000,1000000]
import { loadavg } from 'node:os';
import pg from 'pg';
import { createLatchkey } from '../src/index.ts';
import { dropTablesSql, tableNames } from '../src/stores/migrations.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { sessionAndUserSql } from '../src/stores/sql-rows.ts';
import { median } from './load.ts';
import { dollarParams, expiries, fillRows, type FillRow } from './store-fill.ts';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const sizesFlag = argv.includes('--sizes') ? argv[argv.indexOf('--sizes') + 1] : undefined;
const sizes = (sizesFlag ?? (quick ? '500,2000' : '1000,100000,1000000')).split(',').map(Number);
// Short rounds, many of them: host noise on a shared VM comes in bursts of seconds.
const duration = quick ? 0.3 : 2;
const rounds = quick ? 1 : 15;
const concurrency = 16;
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const tablePrefix = `lkp_${Math.random().toString(36).slice(2, 10)}_`;
const t = tableNames('postgres', tablePrefix);

const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 10 });
const store = postgresStore(pool, { tablePrefix });
const auth = createLatchkey({ store });
const rawText = dollarParams(sessionAndUserSql(t));

/** Inserts `rows` users and sessions (user ids made unique by `step`) in two statements. */
async function insert(rows: FillRow[], now: number, step: number): Promise<void> {
  const { expiresAt, absoluteExpiresAt } = expiries(now);
  const users = rows.map((r) => `${step}-${r.userId}`);
  await pool.query(
    `INSERT INTO ${t.user} (id, attributes, created_at) SELECT id, a, $3 FROM unnest($1::text[], $2::text[]) AS x(id, a)`,
    [users, rows.map((r) => r.attributes), now],
  );
  await pool.query(
    `INSERT INTO ${t.session} (id, user_id, secret_hash, created_at, last_seen_at, expires_at, absolute_expires_at, attributes) SELECT id, u, h, $4, $4, $5, $6, '{}' FROM unnest($1::text[], $2::text[], $3::bytea[]) AS x(id, u, h)`,
    [
      rows.map((r) => r.id),
      users,
      rows.map((r) => Buffer.from(r.secretHash)),
      now,
      expiresAt,
      absoluteExpiresAt,
    ],
  );
}

/** Adds `count` rows in parallel pairs of batches; returns every new token. */
async function grow(count: number, step: number): Promise<string[]> {
  let pending: Promise<void>[] = [];
  const tokens = await fillRows(count, count, 10_000, async (rows, now) => {
    pending.push(insert(rows, now, step));
    if (pending.length === 2) {
      await Promise.all(pending);
      pending = [];
    }
  });
  await Promise.all(pending);
  return tokens;
}

/** Operations per second of `op` over random tokens, `concurrency` loops for `duration` s. */
async function measure(op: (token: string) => Promise<unknown>, tokens: string[]): Promise<number> {
  const end = performance.now() + duration * 1_000;
  let count = 0;
  const loop = async () => {
    while (performance.now() < end) {
      await op(tokens[(Math.random() * tokens.length) | 0]!);
      count++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  return count / ((performance.now() - started) / 1_000);
}

const latchkey = async (token: string) => {
  if ((await auth.validateSession(token)) === null) throw new Error('latchkey lookup missed');
};
const raw = async (token: string) => {
  const values = [token.slice(4, 28)];
  const { rows } = await pool.query({ name: 'bench_raw', text: rawText, values });
  if (rows.length !== 1) throw new Error('raw lookup missed');
};
// The second floor: pg's callback form with rows as arrays, the way latchkey's store reads.
const rawCallback = async (token: string) => {
  const query = { name: 'bench_raw_arrays', text: rawText, values: [token.slice(4, 28)] };
  const rows = await new Promise<unknown[][]>((resolve, reject) =>
    pool.query({ ...query, rowMode: 'array' }, (error, result) =>
      error ? reject(error) : resolve(result.rows),
    ),
  );
  if (rows.length !== 1) throw new Error('raw lookup missed');
};
const ops = { raw, raw_callback: rawCallback, latchkey };
const names = Object.keys(ops) as (keyof typeof ops)[];

/** B-tree levels of the session primary key (pageinspect), or null where it is unavailable. */
async function pkeyLevel(): Promise<number | null> {
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS pageinspect');
    const { rows } = await pool.query('SELECT level FROM bt_metap($1)', [
      `${tablePrefix}session_pkey`,
    ]);
    return Number(rows[0].level);
  } catch {
    return null;
  }
}

await store.migrate();
const results: { sessions: number; latchkey: number }[] = [];
try {
  const tokens: string[] = [];
  for (const [step, size] of sizes.entries()) {
    process.stderr.write(`postgres: growing to ${size} users and sessions...\n`);
    const started = performance.now();
    for (const token of await grow(size - tokens.length, step)) tokens.push(token);
    const fillS = (performance.now() - started) / 1_000;
    await pool.query(`ANALYZE ${t.user}, ${t.session}`);
    if (!quick) {
      for (const name of names) await measure(ops[name], tokens);
    }
    const runs = { latchkey: [] as number[], raw: [] as number[], raw_callback: [] as number[] };
    const callbackRatios: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const name of r % 2 === 0 ? names : [...names].reverse()) {
        runs[name].push(await measure(ops[name], tokens));
      }
      ratios.push(runs.latchkey[r]! / runs.raw[r]!);
      callbackRatios.push(runs.latchkey[r]! / runs.raw_callback[r]!);
    }
    const { rows } = await pool.query(
      'SELECT pg_total_relation_size($1::regclass) AS s, pg_indexes_size($1::regclass) AS i',
      [t.session],
    );
    const latchkeyOps = median(runs.latchkey);
    const rawOps = median(runs.raw);
    results.push({ sessions: size, latchkey: latchkeyOps });
    console.log(
      JSON.stringify({
        benchmark: 'pg-scale',
        sessions: size,
        rounds,
        duration_s: duration,
        concurrency,
        latchkey_ops: Math.round(latchkeyOps),
        raw_ops: Math.round(rawOps),
        ratio_to_raw: Number(median(ratios).toFixed(3)),
        raw_callback_ops: Math.round(median(runs.raw_callback)),
        ratio_to_raw_callback: Number(median(callbackRatios).toFixed(3)),
        // Wall time per validation with 16 in flight: 1e6 / throughput.
        latchkey_us_per_op: Number((1e6 / latchkeyOps).toFixed(1)),
        raw_us_per_op: Number((1e6 / rawOps).toFixed(1)),
        session_table_bytes: Number(rows[0].s),
        session_index_bytes: Number(rows[0].i),
        session_pkey_btree_level: await pkeyLevel(),
        fill_s: Number(fillS.toFixed(1)),
        load_avg_1m: Number(loadavg()[0]!.toFixed(2)),
      }),
    );
  }
  const first = results[0]!;
  const last = results.at(-1)!;
  console.log(
    JSON.stringify({
      benchmark: 'pg-scale-summary',
      smallest: first.sessions,
      largest: last.sessions,
      latchkey_largest_to_smallest: Number((last.latchkey / first.latchkey).toFixed(3)),
    }),
  );
} finally {
  for (const sql of dropTablesSql('postgres', tablePrefix)) await pool.query(sql);
  await pool.end();
}
