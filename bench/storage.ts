// Storage per session and per account on each store (npm run bench:storage [-- --quick]).
// Fills N users, each with one account and one session, through latchkey's schema, and reads the
// engine's own figure for what they occupy, minus the same figure for the empty tables:
//   postgres  pg_total_relation_size (heap + TOAST + every index) of each table;
//   mysql     information_schema.TABLES data_length + index_length after ANALYZE TABLE;
//   sqlite    dbstat page bytes per table (its indexes included) after VACUUM;
//   redis     MEMORY USAGE of sampled session hashes and per-user sets + every expiry zset
//             (the Redis split keeps users and accounts in its base SQL store), and the
//             used_memory delta from INFO as a cross-check (shared servers make it noisy).
// Prints one JSON line per store. Usage: node bench/storage.ts [--quick] [--store a,b]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { dropTablesSql, tableNames, type TableNames } from '../src/stores/migrations.ts';
import { mysqlStore, type MysqlPoolLike } from '../src/stores/mysql-store.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { expiryKey, sessionKey } from '../src/stores/redis-store.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import {
  dollarParams,
  fillRows,
  insertSqlRows,
  placeholders,
  writeRedisSessions,
  type FillRow,
  type RunSql,
} from './store-fill.ts';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const only = argv.includes('--store') ? argv[argv.indexOf('--store') + 1]!.split(',') : null;
const count = quick ? 5_000 : 100_000;
const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const suffix = Math.random().toString(36).slice(2, 10);
const tablePrefix = `lks_${suffix}_`;
const keyPrefix = `lks:${suffix}:`;

/** Bytes per table (indexes included), keyed user / account / session. */
type Sizes = Record<'user' | 'account' | 'session', number>;

/** One account per user, as after a first sign-in; no stored provider tokens. */
async function insertAccounts(run: RunSql, t: TableNames, rows: FillRow[], now: number) {
  await run(
    `INSERT INTO ${t.account} (user_id, provider_id, provider_user_id, created_at) VALUES ${placeholders(rows.length, 4)}`,
    // A numeric provider id, as most providers have, unique per user.
    rows.flatMap((r) => [r.userId, 'github', String(parseInt(r.userId.slice(4), 36)), now]),
  );
}

/** Fills, then reports per-row bytes from the size deltas of each table. */
async function sqlRun(
  store: string,
  method: string,
  sizes: () => Promise<Sizes>,
  run: RunSql,
  t: TableNames,
  batch: number,
): Promise<void> {
  const empty = await sizes();
  const started = performance.now();
  await fillRows(count, 1, batch, async (rows, now) => {
    await insertSqlRows(run, t, rows, now);
    await insertAccounts(run, t, rows, now);
  });
  const fillS = (performance.now() - started) / 1_000;
  const full = await sizes();
  const per = (k: keyof Sizes) => Math.round((full[k] - empty[k]) / count);
  print(store, method, fillS, {
    bytes_per_session: per('session'),
    bytes_per_account: per('account'),
    bytes_per_user: per('user'),
    bytes_per_account_and_user: per('account') + per('user'),
  });
}

function print(store: string, method: string, fillS: number, figures: Record<string, unknown>) {
  console.log(
    JSON.stringify({
      benchmark: 'storage',
      store,
      sessions: count,
      ...figures,
      method,
      fill_s: Number(fillS.toFixed(1)),
    }),
  );
}

async function postgres(): Promise<void> {
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
  const store = postgresStore(pool, { tablePrefix });
  await store.migrate();
  const t = tableNames('postgres', tablePrefix);
  const size = async (name: string) =>
    Number(
      (await pool.query('SELECT pg_total_relation_size($1::regclass) AS b', [name])).rows[0].b,
    );
  try {
    await sqlRun(
      'postgres',
      'pg_total_relation_size (heap+toast+indexes)',
      async () => ({
        user: await size(t.user),
        account: await size(t.account),
        session: await size(t.session),
      }),
      (sql, params) => pool.query({ text: dollarParams(sql), values: params }),
      t,
      4_000,
    );
  } finally {
    for (const sql of dropTablesSql('postgres', tablePrefix)) await pool.query(sql);
    await pool.end();
  }
}

async function mariadb(): Promise<void> {
  const pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2, charset: 'utf8mb4' });
  const store = mysqlStore(pool as unknown as MysqlPoolLike, { tablePrefix });
  await store.migrate();
  const t = tableNames('mysql', tablePrefix);
  const size = async (name: string): Promise<number> => {
    await pool.query(`ANALYZE TABLE \`${tablePrefix}${name}\``);
    const [rows] = await pool.query(
      'SELECT data_length + index_length AS b FROM information_schema.TABLES WHERE table_schema = DATABASE() AND table_name = ?',
      [tablePrefix + name],
    );
    return Number((rows as { b: number }[])[0]!.b);
  };
  try {
    await sqlRun(
      'mysql',
      'information_schema data_length+index_length after ANALYZE TABLE',
      async () => ({
        user: await size('user'),
        account: await size('account'),
        session: await size('session'),
      }),
      (sql, params) => pool.query(sql, params),
      t,
      2_000,
    );
  } finally {
    for (const sql of dropTablesSql('mysql', tablePrefix)) await pool.query(sql);
    await pool.end();
  }
}

async function sqlite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-storage-'));
  const path = join(dir, 'bench.db');
  try {
    const store = sqliteStore(path);
    await store.migrate();
    await store.close();
    const db = new DatabaseSync(path);
    const t = tableNames('sqlite', 'latchkey_');
    // Pages of each table and of the indexes on it (WITHOUT ROWID tables hold their key inline).
    const size = async (): Promise<Sizes> => {
      db.exec('VACUUM');
      const rows = db
        .prepare(
          'SELECT m.tbl_name AS t, SUM(d.pgsize) AS b FROM dbstat d JOIN sqlite_master m ON m.name = d.name GROUP BY m.tbl_name',
        )
        .all() as { t: string; b: number }[];
      const of = (n: string) => Number(rows.find((r) => r.t === `latchkey_${n}`)?.b ?? 0);
      return { user: of('user'), account: of('account'), session: of('session') };
    };
    const run: RunSql = async (sql, params) =>
      db.prepare(sql).run(...(params as (string | number | Uint8Array | null)[]));
    const empty = await size();
    const started = performance.now();
    db.exec('BEGIN');
    await fillRows(count, 1, 1_000, async (rows, now) => {
      await insertSqlRows(run, t, rows, now);
      await insertAccounts(run, t, rows, now);
    });
    db.exec('COMMIT');
    const fillS = (performance.now() - started) / 1_000;
    const full = await size();
    const per = (k: keyof Sizes) => Math.round((full[k] - empty[k]) / count);
    print('sqlite', 'dbstat page bytes after VACUUM', fillS, {
      bytes_per_session: per('session'),
      bytes_per_account: per('account'),
      bytes_per_user: per('user'),
      bytes_per_account_and_user: per('account') + per('user'),
      file_bytes_per_row_set: Math.round(
        (Number((db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count) *
          Number((db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size)) /
          count,
      ),
    });
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function redis(): Promise<void> {
  const client = new Redis(REDIS_URL);
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
  try {
    const before = await usedMemory();
    const started = performance.now();
    const tokens = await fillRows(count, 1_000, 4_000, (rows, now) =>
      writeRedisSessions(client, keyPrefix, rows, now),
    );
    const fillS = (performance.now() - started) / 1_000;
    const after = await usedMemory();
    // SAMPLES 0: every field / member is counted, not an estimate from the first few.
    const usage = async (key: string) =>
      Number((await client.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
    let hashes = 0;
    let sets = 0;
    for (const token of tokens) {
      const id = token.slice(4, 28);
      hashes += await usage(sessionKey(keyPrefix, id));
      const userId = await client.hget(sessionKey(keyPrefix, id), 'userId');
      sets += await usage(`${keyPrefix}user-sessions:${userId}`);
    }
    let zsets = 0;
    for (let g = 0; g < 16; g++) zsets += await usage(expiryKey(keyPrefix, g));
    const hash = hashes / tokens.length;
    const set = sets / tokens.length;
    const zset = zsets / count;
    print(
      'redis',
      'MEMORY USAGE SAMPLES 0: sampled hashes and user sets, all expiry zsets',
      fillS,
      {
        bytes_per_session: Math.round(hash + set + zset),
        session_hash_bytes: Math.round(hash),
        user_set_bytes: Math.round(set),
        expiry_zset_bytes_per_session: Math.round(zset),
        info_used_memory_delta_per_session: Math.round((after - before) / count),
        bytes_per_account: null,
        bytes_per_user: null,
        note: 'users and accounts live in the base SQL store',
      },
    );
  } finally {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
    await client.quit();
  }
}

const stores = { postgres, mysql: mariadb, sqlite, redis };
for (const [name, bench] of Object.entries(stores)) {
  if (only && !only.includes(name)) continue;
  process.stderr.write(`${name}: filling ${count} users, accounts and sessions...\n`);
  await bench();
}
