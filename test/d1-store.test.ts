// The D1 store on a local D1 database inside workerd (Miniflare; no network, no account): the
// whole conformance suite through Miniflare's D1 binding, plus D1 specifics.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Miniflare } from 'miniflare';
import { AccountExistsError, StoreError } from '../src/core/errors.ts';
import { d1SchemaSql, d1Store, type D1DatabaseLike } from '../src/stores/d1-store.ts';
import { uniqueSuffix } from './helpers.ts';
import { storeConformance } from './store-conformance.ts';

const mf = new Miniflare({
  modules: true,
  script: 'export default { fetch() { return new Response(null, { status: 404 }); } };',
  compatibilityDate: '2026-07-01',
  d1Databases: { DB: 'latchkey-test' },
});
const db = (await mf.getD1Database('DB')) as unknown as D1DatabaseLike;
after(() => mf.dispose());

async function open(options: { now?: () => number } = {}) {
  const store = d1Store(db, { tablePrefix: `lk_${uniqueSuffix()}_`, ...options });
  await store.migrate();
  return store;
}

storeConformance('d1', () => open());

describe('d1 store specifics', () => {
  let store: Awaited<ReturnType<typeof open>>;
  before(async () => {
    store = await open();
  });

  it('migrate() is a no-op the second time and records version 1', async () => {
    assert.deepEqual(await store.migrate(), { applied: [], current: 1 });
    const fresh = d1Store(db, { tablePrefix: `lk_${uniqueSuffix()}_` });
    assert.deepEqual(await fresh.migrate(), { applied: [1], current: 1 });
    const ledger = await db
      .prepare(`SELECT version, name FROM "${fresh.tablePrefix}migrations"`)
      .all();
    assert.deepEqual(
      ledger.results.map((r) => ({ ...r })),
      [{ version: 1, name: 'users_accounts_sessions_temp' }],
    );
  });

  it('two concurrent migrate() calls on a fresh prefix both succeed', async () => {
    const prefix = `lk_${uniqueSuffix()}_`;
    const results = await Promise.all([
      d1Store(db, { tablePrefix: prefix }).migrate(),
      d1Store(db, { tablePrefix: prefix }).migrate(),
    ]);
    for (const r of results) assert.equal(r.current, 1);
    assert.deepEqual(await d1Store(db, { tablePrefix: prefix }).migrate(), {
      applied: [],
      current: 1,
    });
  });

  it('stores the secret hash as a BLOB and gives back the same bytes', async () => {
    const hash = Uint8Array.from({ length: 32 }, (_, i) => (i * 37) & 255);
    await store.createUser({ id: 'blob-u', attributes: '{}', createdAt: 1 }, undefined, {
      id: 'blob-s',
      userId: 'blob-u',
      secretHash: hash,
      createdAt: 1,
      lastSeenAt: 1,
      expiresAt: Date.now() + 60_000,
      absoluteExpiresAt: Date.now() + 60_000,
      attributes: '{}',
    });
    const type = await db
      .prepare(`SELECT typeof(secret_hash) AS t FROM "${store.tablePrefix}session" WHERE id = ?`)
      .bind('blob-s')
      .first<{ t: string }>();
    assert.equal(type?.t, 'blob');
    const found = await store.getSessionAndUser('blob-s');
    assert.deepEqual([...found!.session.secretHash], [...hash]);
    assert.equal(found!.user.id, 'blob-u');
  });

  it('validates a session with exactly one query', async () => {
    let prepared = 0;
    const counting: D1DatabaseLike = {
      prepare: (sql) => {
        prepared++;
        return db.prepare(sql);
      },
      batch: (statements) => db.batch(statements),
    };
    const counted = d1Store(counting, { tablePrefix: store.tablePrefix });
    prepared = 0;
    const found = await counted.getSessionAndUser('blob-s');
    assert.equal(found?.session.id, 'blob-s');
    assert.equal(prepared, 1);
  });

  it('a duplicate account is AccountExistsError, a duplicate user id a StoreError; neither writes', async () => {
    const account = {
      userId: 'dup-u',
      providerId: 'github',
      issuer: '',
      providerUserId: 'dup-1',
      createdAt: 1,
      tokens: null,
      tokensVersion: 0,
      needsReauth: false,
    };
    await store.createUser({ id: 'dup-u', attributes: '{}', createdAt: 1 }, account);
    await assert.rejects(
      store.createUser(
        { id: 'dup-v', attributes: '{}', createdAt: 1 },
        { ...account, userId: 'dup-v' },
      ),
      AccountExistsError,
    );
    assert.equal(await store.getUser('dup-v'), null, 'the batch rolled back');
    const again = { ...account, providerUserId: 'dup-2' };
    const error = await store
      .createUser({ id: 'dup-u', attributes: '{}', createdAt: 1 }, again)
      .catch((e: unknown) => e);
    assert.ok(error instanceof StoreError && !(error instanceof AccountExistsError));
    assert.equal(await store.getAccount(again), null, 'the batch rolled back');
  });

  it('d1SchemaSql() is the schema migrate() would apply, ledger included', async () => {
    const prefix = `lk_${uniqueSuffix()}_`;
    const script = d1SchemaSql({ tablePrefix: prefix });
    const statements = script.split(';\n').filter((sql) => sql.trim() !== '');
    assert.equal(statements.length, 1 + 8 + 1, 'ledger table, 8 schema statements, ledger row');
    await db.batch(statements.map((sql) => db.prepare(sql)));
    const scripted = d1Store(db, { tablePrefix: prefix });
    assert.deepEqual(await scripted.migrate(), { applied: [], current: 1 });
    await scripted.createUser({ id: 'u', attributes: '{}', createdAt: 1 });
    assert.equal((await scripted.getUser('u'))?.id, 'u');
    assert.throws(() => d1SchemaSql({ tablePrefix: 'bad-prefix' }), TypeError);
  });

  it('rejects something that is not a D1 binding, and bad prefixes', () => {
    assert.throws(() => d1Store({} as never), TypeError);
    assert.throws(() => d1Store(db, { tablePrefix: 'x; DROP TABLE y' }), TypeError);
  });
});
