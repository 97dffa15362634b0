import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { dropTablesSql } from '../src/stores/migrations.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { POSTGRES_URL, sessionRowFixture, uniqueSuffix } from './helpers.ts';
import { storeConformance } from './store-conformance.ts';

const prefixes: string[] = [];
const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
after(async () => {
  for (const prefix of prefixes) {
    for (const sql of dropTablesSql('postgres', prefix)) await admin.query(sql);
  }
  await admin.end();
});

function prefix(): string {
  const p = `lk_${uniqueSuffix()}_`;
  prefixes.push(p);
  return p;
}

storeConformance('postgres', async () => {
  const store = postgresStore(POSTGRES_URL, { tablePrefix: prefix() });
  await store.migrate();
  return store;
});

describe('postgres store specifics', () => {
  it('reads a session with rows as arrays through pg, and through any pool-like object', async () => {
    const p = prefix();
    const seen: { rowMode?: string; callback: boolean }[] = [];
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
    after(() => pool.end());
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    (pool as unknown as { query: unknown }).query = (...args: unknown[]) => {
      const config = args[0] as { rowMode?: string };
      seen.push({ rowMode: config?.rowMode, callback: typeof args.at(-1) === 'function' });
      return query(...args);
    };
    const store = postgresStore(pool, { tablePrefix: p });
    await store.migrate();
    const session = sessionRowFixture();
    await store.createUser({ id: 'u', attributes: '{"a":1}', createdAt: 5 }, undefined, session);
    seen.length = 0;
    const expected = {
      session: { ...session, secretHash: Buffer.from(session.secretHash) },
      user: { id: 'u', attributes: '{"a":1}', createdAt: 5 },
    };
    assert.deepEqual(await store.getSessionAndUser('sid'), expected);
    assert.equal(await store.getSessionAndUser('none'), null);
    // One query each, rows as arrays, in pg's callback form (no promise wrapper per query).
    assert.deepEqual(seen, [
      { rowMode: 'array', callback: true },
      { rowMode: 'array', callback: true },
    ]);
    // A pool-like object that is not a pg.Pool, and ignores rowMode: keyed rows still map.
    const objectRows = {
      query: (config: { text: string; values?: unknown[]; name?: string }) =>
        pool.query({ text: config.text, values: config.values }),
      connect: () => pool.connect(),
      end: async () => {},
    };
    const plain = postgresStore(objectRows, { tablePrefix: p });
    assert.deepEqual(await plain.getSessionAndUser('sid'), expected);
    assert.equal(await plain.getSessionAndUser('none'), null);
  });

  it('shares an app pool without ending it, and types the columns natively', async () => {
    const p = prefix();
    const store = postgresStore(admin, { tablePrefix: p });
    assert.deepEqual(await store.migrate(), { applied: [1], current: 1 });
    assert.deepEqual(await store.migrate(), { applied: [], current: 1 });
    await store.createUser({ id: 'u', attributes: '{"x":"é"}', createdAt: 1_700_000_000_000 });
    const { rows } = await admin.query(`SELECT pg_typeof(created_at)::text AS t FROM "${p}user"`);
    assert.equal(rows[0].t, 'bigint');
    assert.equal((await store.getUser('u'))?.createdAt, 1_700_000_000_000);
    await store.close();
    assert.equal((await admin.query('SELECT 1 AS one')).rows[0].one, 1, 'app pool still open');
  });

  it('serialises concurrent migrations with an advisory lock', async () => {
    const p = prefix();
    const stores = Array.from({ length: 4 }, () => postgresStore(POSTGRES_URL, { tablePrefix: p }));
    const results = await Promise.all(stores.map((s) => s.migrate()));
    assert.equal(results.filter((r) => r.applied.length === 1).length, 1);
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${p}migrations"`);
    assert.equal(rows[0].n, 1);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('deleteExpired finds expired sessions through the expires_at index, not a table scan', async () => {
    const p = prefix();
    // The store's own statements, as they reach the pool.
    const seen: { text: string; values?: unknown[] }[] = [];
    const recording = Object.assign(Object.create(admin) as pg.Pool, {
      query: (config: { text: string; values?: unknown[] }) => {
        seen.push(config);
        return admin.query(config);
      },
    });
    const store = postgresStore(recording, { tablePrefix: p });
    await store.migrate();
    seen.length = 0;
    await store.deleteExpired(Date.now());
    const statement = seen.find((q) => q.text.includes(`"${p}session"`));
    assert.ok(statement, 'a DELETE on the session table');
    const client = await admin.connect();
    try {
      // With scans priced out, a condition the index cannot serve still plans a Seq Scan.
      await client.query('SET enable_seqscan = off');
      const { rows } = await client.query({
        text: `EXPLAIN ${statement.text}`,
        values: statement.values,
      });
      const plan = rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
      assert.doesNotMatch(plan, /Seq Scan/, plan);
      assert.match(plan, /session_expires_at/, plan);
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  });
});
