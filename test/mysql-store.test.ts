import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { dropTablesSql } from '../src/stores/migrations.ts';
import { mysqlStore } from '../src/stores/mysql-store.ts';
import { MYSQL_URL, sessionRowFixture, uniqueSuffix } from './helpers.ts';
import { storeConformance } from './store-conformance.ts';

const prefixes: string[] = [];
const admin = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2 });
after(async () => {
  for (const prefix of prefixes) {
    for (const sql of dropTablesSql('mysql', prefix)) await admin.query(sql);
  }
  await admin.end();
});

function prefix(): string {
  const p = `lk_${uniqueSuffix()}_`;
  prefixes.push(p);
  return p;
}

storeConformance('mysql', async () => {
  const store = mysqlStore(MYSQL_URL, { tablePrefix: prefix() });
  await store.migrate();
  return store;
});

describe('mysql store specifics', () => {
  it('shares an app pool without ending it; keys are case-sensitive; types fit', async () => {
    const p = prefix();
    const store = mysqlStore(admin, { tablePrefix: p });
    assert.deepEqual(await store.migrate(), { applied: [1], current: 1 });
    assert.deepEqual(await store.migrate(), { applied: [], current: 1 });
    await store.createUser({ id: 'u', attributes: '{}', createdAt: 1_700_000_000_000 });
    const account = {
      userId: 'u',
      providerId: 'p',
      issuer: '',
      providerUserId: 'AbC',
      createdAt: 1,
      tokens: null,
      tokensVersion: 0,
      needsReauth: false,
    };
    await store.linkAccount(account);
    // A different case is a different provider user, not a duplicate.
    await store.linkAccount({ ...account, providerUserId: 'abc' });
    assert.equal(
      await store.getAccount({ providerId: 'p', issuer: '', providerUserId: 'ABC' }),
      null,
    );
    // Long keys fit the index: 255 characters each, four bytes per character.
    const long = '😀'.repeat(255);
    await store.linkAccount({ ...account, providerId: long, issuer: long, providerUserId: long });
    const longKey = { providerId: long, issuer: long, providerUserId: long };
    assert.equal((await store.getAccount(longKey))?.userId, 'u');
    const [cols] = (await admin.query(
      `SELECT column_name AS c, column_type AS t FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '${p}session' ORDER BY column_name`,
    )) as unknown as [{ c: string; t: string }[]];
    const types = Object.fromEntries(cols.map((r) => [r.c, r.t]));
    assert.equal(types.secret_hash, 'varbinary(32)');
    assert.equal(types.expires_at, 'bigint(20)');
    await store.close();
    const [rows] = (await admin.query('SELECT 1 AS one')) as unknown as [{ one: number }[]];
    assert.equal(rows[0]!.one, 1, 'app pool still open');
  });

  it('reads through the callback pool under a mysql2/promise pool, and still works without one', async () => {
    const p = prefix();
    const pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2 });
    const calls = { promise: 0, callback: 0 };
    const promiseExecute = pool.execute.bind(pool);
    pool.execute = ((...args: Parameters<typeof pool.execute>) => {
      calls.promise++;
      return promiseExecute(...args);
    }) as typeof pool.execute;
    const core = pool.pool;
    const coreExecute = core.execute.bind(core);
    core.execute = ((...args: Parameters<typeof core.execute>) => {
      calls.callback++;
      return coreExecute(...args);
    }) as typeof core.execute;
    after(() => pool.end());
    const store = mysqlStore(pool, { tablePrefix: p });
    await store.migrate();
    const session = sessionRowFixture();
    await store.createUser({ id: 'u', attributes: '{"a":1}', createdAt: 1 });
    await store.createSession(session);
    const before = calls.callback;
    const found = await store.getSessionAndUser('sid');
    assert.deepEqual(found, {
      session: { ...session, secretHash: Buffer.from(session.secretHash) },
      user: { id: 'u', attributes: '{"a":1}', createdAt: 1 },
    });
    // No per-call stack capture of the promise API on statements outside transactions.
    assert.equal(calls.promise, 0);
    assert.equal(calls.callback, before + 1);
    // A pool that is not mysql2's own (no callback pool underneath) goes through `execute`.
    const wrapped = {
      query: (sql: string) => pool.query(sql),
      execute: (sql: string, values: unknown[]) => pool.execute(sql, values as never),
      getConnection: () => pool.getConnection(),
      end: () => pool.end(),
    };
    const plain = mysqlStore(wrapped as never, { tablePrefix: p });
    assert.deepEqual((await plain.getSessionAndUser('sid'))?.user.attributes, '{"a":1}');
    assert.equal(await plain.getSessionAndUser('other'), null);
    assert.ok(calls.promise >= 2);
  });

  it('serialises concurrent migrations with GET_LOCK', async () => {
    const p = prefix();
    const stores = Array.from({ length: 4 }, () => mysqlStore(MYSQL_URL, { tablePrefix: p }));
    const results = await Promise.all(stores.map((s) => s.migrate()));
    assert.equal(results.filter((r) => r.applied.length === 1).length, 1);
    const [rows] = (await admin.query(
      `SELECT count(*) AS n FROM \`${p}migrations\``,
    )) as unknown as [{ n: number }[]];
    assert.equal(Number(rows[0]!.n), 1);
    await Promise.all(stores.map((s) => s.close()));
  });
});
