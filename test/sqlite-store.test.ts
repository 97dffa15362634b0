import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import { uniqueSuffix } from './helpers.ts';
import { storeConformance } from './store-conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'latchkey-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

storeConformance('sqlite', async () =>
  sqliteStore(join(dir, 'conformance.db'), { tablePrefix: `lk_${uniqueSuffix()}_` }),
);

describe('sqlite store specifics', () => {
  it('answers the session lookup synchronously, from one prepared statement', async () => {
    const store = sqliteStore(join(dir, 'sync.db'));
    try {
      const missing = store.getSessionAndUser('nope');
      assert.equal(missing, null, 'a plain value, not a promise');
      await store.createUser({ id: 'u1', attributes: '{}', createdAt: 1 }, undefined, {
        id: 's1',
        userId: 'u1',
        secretHash: new Uint8Array(32).fill(7),
        createdAt: 1,
        lastSeenAt: 1,
        expiresAt: Date.now() + 60_000,
        absoluteExpiresAt: Date.now() + 60_000,
        attributes: '{"a":1}',
      });
      const found = store.getSessionAndUser('s1');
      assert.ok(found && !(found instanceof Promise));
      assert.equal(found.user.id, 'u1');
      assert.deepEqual([...found.session.secretHash], new Array(32).fill(7));
    } finally {
      await store.close();
    }
  });

  it('sets the pragmas, stores the hash as a BLOB and never analyses', async () => {
    const file = join(dir, 'pragmas.db');
    const store = sqliteStore(file);
    try {
      const get = (sql: string): unknown => Object.values(store.db.prepare(sql).get()!)[0];
      assert.equal(get('PRAGMA journal_mode'), 'wal');
      assert.equal(get('PRAGMA foreign_keys'), 1);
      assert.equal(get('PRAGMA synchronous'), 1);
      assert.equal(get('PRAGMA cache_size'), -65536);
      assert.ok(Number(get('PRAGMA busy_timeout')) > 0);
      await store.createUser({ id: 'u', attributes: '{}', createdAt: 1 }, undefined, {
        id: 's',
        userId: 'u',
        secretHash: new Uint8Array(32),
        createdAt: 1,
        lastSeenAt: 1,
        expiresAt: 2,
        absoluteExpiresAt: 2,
        attributes: '{}',
      });
      assert.equal(get('SELECT typeof(secret_hash) FROM latchkey_session'), 'blob');
      assert.equal(get('SELECT typeof(expires_at) FROM latchkey_session'), 'integer');
      assert.equal(
        get("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'sqlite_stat%'"),
        0,
        'no ANALYZE statistics',
      );
    } finally {
      await store.close();
    }
  });

  it('migrates once; a second open is a no-op; the prefix is validated', async () => {
    const file = join(dir, 'migrate.db');
    // Without migrations the schema must exist: the statements are prepared up front.
    assert.throws(() => sqliteStore(file, { migrate: false }), { code: 'store_error' });
    const first = sqliteStore(file);
    await first.close();
    const second = sqliteStore(file, { migrate: false });
    assert.deepEqual(second.migrate(), { applied: [], current: 1 });
    await second.close();
    const db = new DatabaseSync(join(dir, 'fresh.db'));
    const store = sqliteStore(db, { tablePrefix: 'app_' });
    assert.deepEqual(store.migrate(), { applied: [], current: 1 });
    const tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => r.name);
    assert.deepEqual(tables, [
      'app_account',
      'app_migrations',
      'app_session',
      'app_temp',
      'app_user',
    ]);
    await store.close();
    assert.equal(db.isOpen, true, 'a database passed in is never closed by the store');
    db.close();
    for (const bad of ['', 'A_', '1x', 'a-b', 'x'.repeat(32), 'a"; DROP TABLE x; --']) {
      assert.throws(() => sqliteStore(':memory:', { tablePrefix: bad }), TypeError);
    }
  });

  it('cascades user deletion to accounts and sessions in the database', async () => {
    const store = sqliteStore(':memory:');
    await store.createUser(
      { id: 'u', attributes: '{}', createdAt: 1 },
      {
        userId: 'u',
        providerId: 'p',
        issuer: '',
        providerUserId: '1',
        createdAt: 1,
        tokens: null,
        tokensVersion: 0,
        needsReauth: false,
      },
    );
    await store.deleteUser('u');
    const count = store.db.prepare('SELECT count(*) AS n FROM latchkey_account').get()!;
    assert.equal(count.n, 0);
    await store.close();
  });
});
