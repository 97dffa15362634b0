import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createLatchkey, StoreError, type Store } from '../src/index.ts';
import { dropTablesSql } from '../src/stores/migrations.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { redisStore } from '../src/stores/redis-store.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import { POSTGRES_URL, REDIS_URL, uniqueSuffix } from './helpers.ts';
import {
  sessionStoreConformance,
  shortLivedStoreConformance,
  type OpenStore,
} from './store-conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'latchkey-redis-'));
const admin = new Redis(REDIS_URL);
const keyPrefixes: string[] = [];
const bases: Store[] = [];
const pgPrefixes: string[] = [];
const clients: Redis[] = [];

after(async () => {
  for (const base of bases) await base.close();
  for (const client of clients) client.disconnect();
  for (const prefix of keyPrefixes) {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  }
  const pool = new pg.Pool({ connectionString: POSTGRES_URL });
  for (const p of pgPrefixes) {
    for (const sql of dropTablesSql('postgres', p)) await pool.query(sql);
  }
  await pool.end();
  await admin.quit();
  rmSync(dir, { recursive: true, force: true });
});

/** The Redis key of a session's hash (in its slot group `{s:N}`). */
async function sessionKeyOf(prefix: string, id: string): Promise<string> {
  const [key, ...more] = await admin.keys(`${prefix}{s:*}:session:${id}`);
  assert.ok(key !== undefined && more.length === 0, 'exactly one hash per session');
  return key;
}

function keyPrefix(): string {
  const p = `lktest:${uniqueSuffix()}:`;
  keyPrefixes.push(p);
  return p;
}

// Redis keeps sessions and short-lived records: those parts' suites run here, over an SQL
// users part (whose own suite runs in its engine's test file).
const overSqlite: OpenStore = async () => {
  const base = sqliteStore(join(dir, 'base.db'), { tablePrefix: `lk_${uniqueSuffix()}_` });
  bases.push(base);
  return redisStore({ redis: REDIS_URL, base, keyPrefix: keyPrefix() });
};
const overPostgres: OpenStore = async () => {
  const p = `lk_${uniqueSuffix()}_`;
  pgPrefixes.push(p);
  const base = postgresStore(POSTGRES_URL, { tablePrefix: p });
  await base.migrate();
  bases.push(base);
  const client = new Redis(REDIS_URL);
  clients.push(client);
  return redisStore({ redis: client, base, keyPrefix: keyPrefix() });
};
for (const [name, open] of [
  ['redis + sqlite', overSqlite],
  ['redis + postgres', overPostgres],
] as const) {
  sessionStoreConformance(name, open);
  shortLivedStoreConformance(name, open);
}

describe('redis store specifics', () => {
  it('sets TTLs at the idle expiry and keeps the per-user index clean', async () => {
    const base = sqliteStore(':memory:');
    bases.push(base);
    const prefix = keyPrefix();
    const store = redisStore({ redis: admin, base, keyPrefix: prefix });
    const auth = createLatchkey({ store });
    const user = await auth.createUser({ attributes: {} });
    const { session } = await auth.createSession({ userId: user.id });
    const sessionKey = await sessionKeyOf(prefix, session.id);
    const expireTime = await admin.pexpiretime(sessionKey);
    assert.equal(expireTime, session.expiresAt.getTime());
    assert.ok((await admin.pttl(`${prefix}user-sessions:${user.id}`)) > 0);
    // A session whose key vanished (TTL) is dropped from the index when listed.
    await admin.del(sessionKey);
    assert.deepEqual(await store.getUserSessions(user.id), []);
    assert.equal(await admin.scard(`${prefix}user-sessions:${user.id}`), 0);
    const ttl = await store.incrementCounter('rate', 'x', Date.now() + 5_000);
    assert.equal(ttl.count, 1);
    assert.ok((await admin.pttl(`${prefix}temp:4:rate:x`)) > 0, 'counters expire');
    await store.setTemp('flow', 'k', 'v', Date.now() + 5_000);
    assert.ok((await admin.pttl(`${prefix}temp:4:flow:k`)) > 0, 'temporary records expire');
    await store.close();
    assert.equal(admin.status, 'ready', 'an app client is never closed by the store');
  });

  it('deleteUser removes the Redis sessions too', async () => {
    const base = sqliteStore(':memory:');
    bases.push(base);
    const prefix = keyPrefix();
    const store = redisStore({ redis: admin, base, keyPrefix: prefix });
    const auth = createLatchkey({ store });
    const { user, session } = await auth.createUserWithSession({
      attributes: {},
      account: { providerId: 'gh', providerUserId: '1' },
    });
    const sessionKey = await sessionKeyOf(prefix, session.id);
    await auth.deleteUser(user.id);
    assert.equal(await admin.exists(sessionKey), 0);
    assert.equal(await admin.exists(`${prefix}user-sessions:${user.id}`), 0);
  });

  it('compensates: a failed Redis write deletes the just-created user', async () => {
    const base = sqliteStore(':memory:');
    bases.push(base);
    const broken = new Redis(REDIS_URL, { maxRetriesPerRequest: 0, lazyConnect: true });
    broken.disconnect();
    clients.push(broken);
    const store = redisStore({ redis: broken, base, keyPrefix: keyPrefix() });
    const auth = createLatchkey({ store });
    const err = await auth
      .createUserWithSession({ attributes: {}, account: { providerId: 'gh', providerUserId: 'c' } })
      .catch((e: unknown) => e);
    assert.ok(err instanceof StoreError, String(err));
    assert.ok(err.cause, 'the Redis error is kept as cause');
    const key = { providerId: 'gh', issuer: '', providerUserId: 'c' };
    assert.equal(await base.getUserByAccount(key), null, 'no user or account left');
    const count = base.db.prepare('SELECT count(*) AS n FROM latchkey_user').get()!;
    assert.equal(count.n, 0);
    // Redis reads fail typed too.
    await assert.rejects(Promise.resolve(store.getSessionAndUser('x')), StoreError);
    await assert.rejects(store.takeTemp('flow', 'k'), StoreError);
  });
});
