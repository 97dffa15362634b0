// The session cache across two real processes sharing one store: process A (a child) caches
// sessions, this process (B, no cache of its own) revokes them, and A must answer null within
// 100 ms — through PostgreSQL LISTEN/NOTIFY, and through Redis pub/sub. The control runs A with
// no channel: it stays stale, so the test can tell a working channel from a missing one.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createLatchkey, type Latchkey } from '../src/index.ts';
import type { Store } from '../src/store.ts';
import { dropTablesSql } from '../src/stores/migrations.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { redisStore } from '../src/stores/redis-store.ts';
import { POSTGRES_URL, REDIS_URL, uniqueSuffix } from './helpers.ts';

const CHILD = fileURLToPath(new URL('./session-cache-child.ts', import.meta.url));
/** The promise: another process hears a revocation within this long. */
const BOUND_MS = 100;

interface ChildReport {
  nullAt: (number | null)[];
  stale: number;
  hits: number;
  storeReadsAfterCaching: number;
}

/** Starts process A; resolves `cached` once it has cached every token, `report` at its end. */
function startA(env: Record<string, string>): {
  cached: Promise<void>;
  report: Promise<ChildReport>;
} {
  const child = spawn(process.execPath, [CHILD], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let onCached: () => void;
  const cached = new Promise<void>((resolve) => (onCached = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('cached\n')) onCached();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const report = new Promise<ChildReport>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as ChildReport);
      else reject(new Error(`process A exited ${code}: ${err.slice(0, 2000)}`));
    });
  });
  return { cached: Promise.race([cached, report.then(() => undefined)]), report };
}

for (const engine of ['postgres', 'redis'] as const) {
  describe(`session cache across processes on ${engine}`, () => {
    const tablePrefix = `lk_${uniqueSuffix()}_`;
    const keyPrefix = `lk:${uniqueSuffix()}:`;
    const base = postgresStore(POSTGRES_URL, { tablePrefix });
    let store: Store;
    let auth: Latchkey;
    const env = { STORE: engine, PREFIX: tablePrefix, KEY_PREFIX: keyPrefix };

    before(async () => {
      await base.migrate();
      store = engine === 'redis' ? redisStore({ redis: REDIS_URL, base, keyPrefix }) : base;
      auth = createLatchkey({ store }); // process B: no cache, publishes its revocations
    });
    after(async () => {
      await store.close();
      if (store !== base) await base.close();
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      for (const sql of dropTablesSql('postgres', tablePrefix)) await admin.query(sql);
      await admin.end();
      if (engine === 'redis') {
        const redis = new Redis(REDIS_URL);
        const keys = await redis.keys(`${keyPrefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        await redis.quit();
      }
    });

    async function sessions(n: number) {
      const out = [];
      for (let i = 0; i < n; i++) {
        const user = await auth.createUser({ attributes: { n: i } });
        out.push({ user, ...(await auth.createSession({ userId: user.id })) });
      }
      return out;
    }

    it(`a revocation in B reaches A's cache within ${BOUND_MS} ms`, async (t) => {
      const [one, all, gone] = await sessions(3);
      const a = startA({ ...env, TOKENS: [one!.token, all!.token, gone!.token].join(',') });
      await a.cached;
      // Each delay runs from the moment B's call returned (the revocation is complete); A may
      // hear the message before B's own call returns, hence delays below zero.
      const startedAt: number[] = [];
      const revokedAt: number[] = [];
      const revocations = [
        () => auth.invalidateSession(one!.session.id),
        () => auth.invalidateUserSessions(all!.user.id),
        () => auth.deleteUser(gone!.user.id),
      ];
      for (const revoke of revocations) {
        startedAt.push(Date.now());
        await revoke();
        revokedAt.push(Date.now());
      }
      const report = await a.report;
      const delays = report.nullAt.map((at, i) => (at === null ? null : at - revokedAt[i]!));
      const fromStart = report.nullAt.map((at, i) => (at === null ? null : at - startedAt[i]!));
      t.diagnostic(
        `${engine}: A answered null ${delays.join(', ')} ms after B's invalidateSession, ` +
          `invalidateUserSessions, deleteUser returned (${fromStart.join(', ')} ms after each ` +
          `call began; bound ${BOUND_MS} ms); A served ${report.hits} validations from its ` +
          `cache and read the store ${report.storeReadsAfterCaching} times after caching`,
      );
      for (const delay of delays) {
        assert.notEqual(delay, null, 'A never saw the revocation');
        assert.ok(delay! <= BOUND_MS, `A saw the revocation ${delay} ms late`);
      }
      assert.ok(report.hits > 0, 'A validated from its cache before the revocation');
    });

    it('without a channel, A stays stale (bounded by its TTL only)', async () => {
      const [one] = await sessions(1);
      const a = startA({ ...env, TOKENS: one!.token, CHANNEL: 'off', WATCH_MS: '1000' });
      await a.cached;
      await auth.invalidateSession(one!.session.id);
      const report = await a.report;
      assert.deepEqual(report.nullAt, [null]);
      assert.ok(report.stale > 0);
    });
  });
}

describe('the PostgreSQL session channel after its connection dies', () => {
  const tablePrefix = `lk_${uniqueSuffix()}_`;
  const store = postgresStore(POSTGRES_URL, { tablePrefix });
  const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
  after(async () => {
    await store.close();
    for (const sql of dropTablesSql('postgres', tablePrefix)) await admin.query(sql);
    await admin.end();
  });

  it('says it stopped listening, listens again, and the cache works again', async () => {
    await store.migrate();
    const states: boolean[] = [];
    store.sessionChannel.subscribe({ message: () => undefined, state: (s) => states.push(s) });
    const auth = createLatchkey({ store, sessionCache: { ttl: 60_000 } });
    await auth.sessionCache!.ready();
    const user = await auth.createUser({ attributes: {} });
    const { token, session } = await auth.createSession({ userId: user.id });
    assert.ok(await auth.validateSession(token));
    const { rows } = await admin.query(`SELECT pid FROM pg_stat_activity WHERE query = $1`, [
      `LISTEN "${tablePrefix}sessions"`,
    ]);
    assert.equal(rows.length, 1, 'one listening connection');
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    const deadline = Date.now() + 10_000;
    while (states.join() !== 'true,false,true' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.deepEqual(states, [true, false, true]);
    // Another process (a second latchkey on its own pool) revokes; this cache hears it.
    const other = postgresStore(POSTGRES_URL, { tablePrefix });
    assert.ok(await auth.validateSession(token));
    assert.ok(await auth.validateSession(token));
    const hits = auth.sessionCache!.hits;
    assert.ok(hits > 0);
    await createLatchkey({ store: other }).invalidateSession(session.id);
    await other.close();
    const until = Date.now() + 5_000;
    let result = await auth.validateSession(token);
    while (result !== null && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      result = await auth.validateSession(token);
    }
    assert.equal(result, null);
  });
});
