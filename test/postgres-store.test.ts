import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { dropTablesSql } from '../src/stores/migrations.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { POSTGRES_URL, uniqueSuffix } from './helpers.ts';
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
});
