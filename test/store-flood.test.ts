// A flood of 10,000 distinct client addresses leaves a bounded store: once the window has passed,
// the stores purge the old counters by themselves (amortised sweeps in memory, SQLite, PostgreSQL
// and MySQL/MariaDB; the engine's own TTL in Redis). Rows and keys are counted in the engine.
// The SQL engines run on a test clock driven through the limiter and store directly, plus one
// flood through the real handler.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createRateLimiter, type RateLimiter } from '../src/http/rate-limit.ts';
import type { Store } from '../src/store.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { dropTablesSql } from '../src/stores/migrations.ts';
import { mysqlStore } from '../src/stores/mysql-store.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { redisStore } from '../src/stores/redis-store.ts';
import { ExpirySweeper } from '../src/stores/expiry-sweep.ts';
import { sqliteStore, type SqliteStore } from '../src/stores/sqlite-store.ts';
import { MYSQL_URL, POSTGRES_URL, REDIS_URL, uniqueSuffix } from './helpers.ts';
import { createHarness, ORIGIN } from './http-harness.ts';

const WINDOW = 60_000;
const FLOOD = 10_000;
const AFTER = 2_000;

const pgAdmin = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
const myAdmin = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2 });
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
  await pgAdmin.end();
  await myAdmin.end();
});

/** The n-th distinct IPv4 address of 10.0.0.0/8. */
const address = (n: number): string => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

/** Runs `count` hits from distinct addresses starting at `from`, `width` at a time. */
async function flood(limiter: RateLimiter, from: number, count: number, width: number) {
  let next = from;
  const end = from + count;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < end) await limiter.hit('signIn', address(next++));
    }),
  );
}

interface Engine {
  open(now: () => number): Promise<Store>;
  /** Rows in the engine: all, and those expired at `now`. */
  rows(now: number): Promise<{ all: number; expired: number }>;
}

function engines(): Record<string, Engine> {
  let sqlite: SqliteStore | undefined;
  let memory: ReturnType<typeof memoryStore> | undefined;
  const pgPrefix = `lkf_${uniqueSuffix()}_`;
  const myPrefix = `lkf_${uniqueSuffix()}_`;
  cleanups.push(async () => {
    for (const sql of dropTablesSql('postgres', pgPrefix)) await pgAdmin.query(sql);
    for (const sql of dropTablesSql('mysql', myPrefix)) await myAdmin.query(sql);
  });
  return {
    memory: {
      open: async (now) => (memory = memoryStore({ now })),
      // Memory holds records only; expiry is not visible from outside, so both are the count.
      rows: async () => ({ all: memory!.temporaryRecordCount, expired: -1 }),
    },
    sqlite: {
      open: async (now) => (sqlite = sqliteStore(':memory:', { now })),
      rows: async (now) => {
        const row = sqlite!.db
          .prepare(
            'SELECT count(*) AS n, coalesce(sum(expires_at <= ?), 0) AS e FROM latchkey_temp',
          )
          .get(now)!;
        return { all: Number(row.n), expired: Number(row.e) };
      },
    },
    postgres: {
      open: async (now) => {
        // A pool as wide as the flood: commits then share their fsyncs.
        const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 32 });
        cleanups.push(() => pool.end());
        const store = postgresStore(pool, { tablePrefix: pgPrefix, now });
        await store.migrate();
        return store;
      },
      rows: async (now) => {
        const { rows } = await pgAdmin.query(
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE expires_at <= $1)::int AS e FROM "${pgPrefix}temp"`,
          [now],
        );
        return { all: rows[0].n, expired: rows[0].e };
      },
    },
    mariadb: {
      open: async (now) => {
        const pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 32 });
        cleanups.push(() => pool.end());
        const store = mysqlStore(pool, { tablePrefix: myPrefix, now });
        await store.migrate();
        return store;
      },
      rows: async (now) => {
        const [rows] = (await myAdmin.query(
          `SELECT count(*) AS n, coalesce(sum(expires_at <= ${Number(now)}), 0) AS e FROM \`${myPrefix}temp\``,
        )) as unknown as [{ n: number; e: number }[]];
        return { all: Number(rows[0]!.n), expired: Number(rows[0]!.e) };
      },
    },
  };
}

describe('a flood of 10,000 distinct addresses leaves a bounded store', () => {
  for (const [name, engine] of Object.entries(engines())) {
    it(`${name}: the first window's counters are purged while the next window is counted`, async () => {
      const clock = { now: Date.UTC(2030, 0, 1) };
      const store = await engine.open(() => clock.now);
      try {
        const limiter = createRateLimiter(store, { window: WINDOW }, () => clock.now);
        await flood(limiter, 0, FLOOD, 32);
        assert.equal((await engine.rows(clock.now)).all, FLOOD, 'one counter per address');
        // The window passes; the flood goes on from other addresses. Nothing is scheduled.
        clock.now += WINDOW;
        assert.equal((await engine.rows(clock.now)).expired, name === 'memory' ? -1 : FLOOD);
        await flood(limiter, FLOOD, AFTER, 16);
        const { all, expired } = await engine.rows(clock.now);
        assert.equal(all, AFTER, 'only the current window is left');
        if (name !== 'memory') assert.equal(expired, 0);
      } finally {
        await store.close();
      }
    });
  }

  it('redis: every counter carries the window as its TTL and is gone once the window passes', async () => {
    const base = sqliteStore(':memory:');
    const keyPrefix = `lkflood:${uniqueSuffix()}:`;
    const admin = new Redis(REDIS_URL);
    const store = redisStore({ redis: REDIS_URL, base, keyPrefix });
    const keys = async (): Promise<string[]> => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [nextCursor, batch] = await admin.scan(
          cursor,
          'MATCH',
          `${keyPrefix}*`,
          'COUNT',
          1000,
        );
        cursor = nextCursor;
        found.push(...batch);
      } while (cursor !== '0');
      return found;
    };
    try {
      // A real clock here: Redis expires keys by its own. A short window keeps the test short.
      const window = 4_000;
      const limiter = createRateLimiter(store, { window });
      const started = Date.now();
      await flood(limiter, 0, FLOOD, 64);
      const live = await keys();
      assert.ok(live.length > 0, 'the counters of the current window exist');
      const ttls = await Promise.all(live.slice(0, 200).map((k) => admin.pttl(k)));
      // -2: expired between SCAN and PTTL (an earlier window); -1 (no TTL) would be a leak.
      assert.ok(
        ttls.every((t) => t === -2 || (t > 0 && t <= window)),
        'every counter expires with its window',
      );
      // Every window the flood touched has ended by then; Redis never returns an expired key.
      const lastWindowEnd = Date.now() - (Date.now() % window) + window;
      await new Promise((r) => setTimeout(r, Math.max(0, lastWindowEnd - Date.now()) + 50));
      assert.deepEqual(await keys(), []);
      assert.ok(Date.now() - started < 60_000);
    } finally {
      await store.close();
      await base.close();
      admin.disconnect();
    }
  });

  it('through the real handler: 3,000 sign-in starts from distinct addresses, SQLite rows bounded', async () => {
    let sqlite: SqliteStore | undefined;
    const h = await createHarness(
      { rateLimit: { signIn: 5, window: WINDOW } },
      () => [],
      (now) => (sqlite = sqliteStore(':memory:', { now })),
    );
    const rows = (): { all: number; expired: number } => {
      const row = sqlite!.db
        .prepare('SELECT count(*) AS n, coalesce(sum(expires_at <= ?), 0) AS e FROM latchkey_temp')
        .get(h.now.value)!;
      return { all: Number(row.n), expired: Number(row.e) };
    };
    const starts = async (from: number, count: number): Promise<void> => {
      for (let n = from; n < from + count; n++) {
        const response = await h.handler.fetch(new Request(`${ORIGIN}/auth/github`), {
          clientAddress: address(n),
        });
        assert.equal(response.status, 302);
      }
    };
    try {
      await starts(0, 2_000);
      assert.equal(rows().all, 2_000);
      h.now.value += WINDOW;
      await starts(2_000, 1_000);
      assert.deepEqual(rows(), { all: 1_000, expired: 0 });
    } finally {
      await h.close();
    }
  });
});

describe('expiry sweeps', () => {
  it('reads never sweep: lookups leave expired rows to the next write', async () => {
    const clock = { now: Date.UTC(2030, 0, 1) };
    const store = sqliteStore(':memory:', { now: () => clock.now });
    try {
      for (let i = 0; i < 150; i++) await store.setTemp('flow', `k${i}`, 'v', clock.now + 1_000);
      clock.now += 2 * WINDOW;
      for (let i = 0; i < 1_000; i++) {
        await store.getTemp('flow', `k${i % 150}`);
        store.getSessionAndUser(`s${i}`);
      }
      const count = () =>
        Number(store.db.prepare('SELECT count(*) AS n FROM latchkey_temp').get()!.n);
      assert.equal(count(), 150, 'the session lookup and reads delete nothing');
      // The first write after the interval sweeps.
      await store.setTemp('flow', 'new', 'v', clock.now + 1_000);
      assert.equal(count(), 1);
    } finally {
      await store.close();
    }
  });

  it('a failing sweep never fails the write, and the next due write sweeps again', async () => {
    let calls = 0;
    const sweeper = new ExpirySweeper(
      () => {
        calls++;
        throw new Error('engine down');
      },
      () => 0,
      { every: 2, interval: Number.POSITIVE_INFINITY, batch: 10 },
    );
    for (let i = 0; i < 6; i++) await sweeper.afterWrite();
    assert.equal(calls, 3);
  });

  it('writes arriving during a sweep stay owed: back-to-back batches until the backlog is gone', async () => {
    let backlog = 45;
    const batches: number[] = [];
    let release: (() => void) | null = null;
    const sweeper = new ExpirySweeper(
      async (_now, limit) => {
        const n = Math.min(limit, backlog);
        backlog -= n;
        batches.push(n);
        // The first sweep is slow: many writes arrive meanwhile.
        if (batches.length === 1) await new Promise<void>((r) => (release = r));
        return n;
      },
      () => 0,
      { every: 10, interval: Number.POSITIVE_INFINITY, batch: 10 },
    );
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) writes.push(sweeper.afterWrite());
    // 50 writes while the first sweep runs: owed, not forgotten.
    for (let i = 0; i < 50; i++) writes.push(sweeper.afterWrite());
    release!();
    await Promise.all(writes);
    // Each following write starts the next batch until one comes back short.
    for (let i = 0; i < 5 && backlog > 0; i++) await sweeper.afterWrite();
    assert.deepEqual(batches, [10, 10, 10, 10, 5]);
    assert.equal(backlog, 0);
  });
});
