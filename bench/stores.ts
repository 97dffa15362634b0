// Store benchmarks, in process (npm run bench:postgres | bench:mysql | bench:redis [-- --quick]).
// latchkey's `validateSession` against the practical floor on the same connection pool:
//   postgres  one prepared `pg` JOIN of session and user (latchkey's own statement text); and,
//             as a second floor, the same through pg's callback form with rows as arrays, as
//             latchkey's store reads it;
//   mysql     the same JOIN through `mysql2/promise`'s `execute` (server-side prepared), as
//             apps write it; and, as a second floor, through the callback pool underneath with
//             rows as arrays, which skips the promise API's per-call stack capture, as
//             latchkey's store does;
//   redis     one `ioredis` HGETALL of the session hash, then one prepared `pg` SELECT of its
//             user — the same data latchkey's Redis store reads.
// `concurrency` loops each await one validation after another for `duration` seconds; rounds
// alternate the order (ABBA) and the reported ratio is the median of the per-round ratios.
// Usage: node bench/stores.ts --store postgres|mysql|redis [--quick] [--sessions N]
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createLatchkey, type Latchkey } from '../src/index.ts';
import type { Store } from '../src/store.ts';
import { dropTablesSql, tableNames } from '../src/stores/migrations.ts';
import { mysqlStore, type MysqlPoolLike } from '../src/stores/mysql-store.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { redisStore, sessionKey } from '../src/stores/redis-store.ts';
import { sessionAndUserSql } from '../src/stores/sql-rows.ts';
import { median } from './load.ts';
import { dollarParams, fillRows, insertSqlRows, writeRedisSessions } from './store-fill.ts';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const engine = flag('--store');
if (engine !== 'postgres' && engine !== 'mysql' && engine !== 'redis') {
  throw new Error('usage: node bench/stores.ts --store postgres|mysql|redis [--quick]');
}
const quick = argv.includes('--quick');
const sessions = Number(flag('--sessions') ?? (quick ? 2_000 : 100_000));
// Short rounds, many of them: host noise on a shared VM comes in bursts of seconds.
const duration = quick ? 0.3 : 2;
const rounds = quick ? 1 : 15;
const concurrency = 16;
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const suffix = Math.random().toString(36).slice(2, 10);
const tablePrefix = `lkb_${suffix}_`;
const keyPrefix = `lkb:${suffix}:`;

/** One engine set up for the run: the store, the raw lookup, and how to clean up. */
interface Setup {
  store: Store;
  raw: (token: string) => Promise<unknown>;
  /** A second floor where the driver has a cheaper call than the one apps usually write. */
  rawCallback?: (token: string) => Promise<unknown>;
  fill: (count: number, sample: number) => Promise<string[]>;
  cleanup: () => Promise<void>;
}

const sessionId = (token: string): string => token.slice(4, 28);

async function setupPostgres(usersOnly: boolean): Promise<Setup & { pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 10 });
  const store = postgresStore(pool, { tablePrefix });
  await store.migrate();
  const tables = tableNames('postgres', tablePrefix);
  const text = dollarParams(sessionAndUserSql(tables));
  const run = (sql: string, params: unknown[]) =>
    pool.query({ text: dollarParams(sql), values: params });
  return {
    pool,
    store,
    raw: async (token) => {
      const { rows } = await pool.query({ name: 'bench_raw', text, values: [sessionId(token)] });
      if (rows.length !== 1) throw new Error('raw lookup missed');
    },
    rawCallback: async (token) => {
      const query = { name: 'bench_raw_arrays', text, values: [sessionId(token)] };
      const rows = await new Promise<unknown[][]>((resolve, reject) =>
        pool.query({ ...query, rowMode: 'array' }, (error, result) =>
          error ? reject(error) : resolve(result.rows),
        ),
      );
      if (rows.length !== 1) throw new Error('raw lookup missed');
    },
    fill: (count, sample) =>
      fillRows(count, sample, 4_000, (rows, now) =>
        insertSqlRows(run, tables, rows, now, usersOnly),
      ),
    cleanup: async () => {
      for (const sql of dropTablesSql('postgres', tablePrefix)) await pool.query(sql);
      await pool.end();
    },
  };
}

async function setupMysql(): Promise<Setup> {
  const pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 10, charset: 'utf8mb4' });
  const store = mysqlStore(pool as unknown as MysqlPoolLike, { tablePrefix });
  await store.migrate();
  const tables = tableNames('mysql', tablePrefix);
  const sql = sessionAndUserSql(tables);
  return {
    store,
    raw: async (token) => {
      const [rows] = await pool.execute(sql, [sessionId(token)]);
      if ((rows as unknown[]).length !== 1) throw new Error('raw lookup missed');
    },
    rawCallback: async (token) => {
      const rows = await new Promise<unknown[]>((resolve, reject) =>
        pool.pool.execute({ sql, rowsAsArray: true }, [sessionId(token)], (error, result) =>
          error ? reject(error) : resolve(result as unknown[]),
        ),
      );
      if (rows.length !== 1) throw new Error('raw lookup missed');
    },
    fill: (count, sample) =>
      fillRows(count, sample, 2_000, (rows, now) =>
        insertSqlRows((s, p) => pool.query(s, p), tables, rows, now),
      ),
    cleanup: async () => {
      for (const s of dropTablesSql('mysql', tablePrefix)) await pool.query(s);
      await pool.end();
    },
  };
}

async function setupRedis(): Promise<Setup> {
  const { rawCallback: _unused, ...base } = await setupPostgres(true);
  const redis = new Redis(REDIS_URL);
  const store = redisStore({ redis, base: base.store, keyPrefix });
  const userSql = `SELECT id, attributes, created_at FROM ${tableNames('postgres', tablePrefix).user} WHERE id = $1`;
  return {
    store,
    raw: async (token) => {
      const hash = await redis.hgetall(sessionKey(keyPrefix, sessionId(token)));
      if (hash.userId === undefined) throw new Error('raw lookup missed');
      const { rows } = await base.pool.query({
        name: 'bench_raw_user',
        text: userSql,
        values: [hash.userId],
      });
      if (rows.length !== 1) throw new Error('raw lookup missed');
    },
    fill: (count, sample) =>
      fillRows(count, sample, 4_000, async (rows, now) => {
        await insertSqlRows(
          (s, p) => base.pool.query({ text: dollarParams(s), values: p }),
          tableNames('postgres', tablePrefix),
          rows,
          now,
          true,
        );
        await writeRedisSessions(redis, keyPrefix, rows, now);
      }),
    cleanup: async () => {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
      await base.cleanup();
    },
  };
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

const setup =
  engine === 'postgres'
    ? await setupPostgres(false)
    : engine === 'mysql'
      ? await setupMysql()
      : await setupRedis();
try {
  process.stderr.write(`${engine}: filling ${sessions} users and sessions...\n`);
  const tokens = await setup.fill(sessions, Math.min(sessions, 20_000));
  const auth: Latchkey = createLatchkey({ store: setup.store });
  const latchkey = async (token: string) => {
    if ((await auth.validateSession(token)) === null) throw new Error('latchkey lookup missed');
  };
  const ops: Record<string, (token: string) => Promise<unknown>> = { raw: setup.raw, latchkey };
  if (setup.rawCallback) ops.raw_callback = setup.rawCallback;
  const names = Object.keys(ops);
  // Warm-up: prepared statements on every pooled connection, JIT, caches.
  if (!quick) for (const name of names) await measure(ops[name]!, tokens);
  const runs: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const ratios: Record<string, number[]> = { raw: [], raw_callback: [] };
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 === 0 ? names : [...names].reverse()) {
      runs[name]!.push(await measure(ops[name]!, tokens));
    }
    for (const floor of Object.keys(ratios)) {
      if (runs[floor]) ratios[floor]!.push(runs.latchkey![r]! / runs[floor]![r]!);
    }
    process.stderr.write(
      `round ${r + 1}: ${names.map((n) => `${n} ${runs[n]![r]!.toFixed(0)}/s`).join(' ')}\n`,
    );
  }
  const figures: Record<string, number> = {};
  for (const name of names) figures[`${name}_ops`] = Math.round(median(runs[name]!));
  for (const [floor, list] of Object.entries(ratios)) {
    if (list.length > 0) figures[`ratio_to_${floor}`] = Number(median(list).toFixed(3));
  }
  console.log(
    JSON.stringify({
      benchmark: 'store',
      store: engine,
      sessions,
      rounds,
      duration_s: duration,
      concurrency,
      ...figures,
    }),
  );
} finally {
  await setup.cleanup();
}
