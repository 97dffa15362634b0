// Injected failures on the real engines: a first sign-in (user + account + session) either
// writes everything or nothing, the failure surfaces as a typed StoreError with the driver's
// error as `cause`, and a retry works once the fault is gone.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { createLatchkey, StoreError, type Store } from '../src/index.ts';
import { dropTablesSql } from '../src/stores/migrations.ts';
import { mysqlStore } from '../src/stores/mysql-store.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import { MYSQL_URL, POSTGRES_URL, uniqueSuffix } from './helpers.ts';

const SECRET = 'sealed-SEKRIT-7f3a9c';
// A token write of a sealed secret: no error field may carry it.
const SECRET_WRITE = { expectedVersion: 0, tokens: SECRET, needsReauth: false };
const key = (providerUserId: string) => ({ providerId: 'gh', issuer: '', providerUserId });
const dir = mkdtempSync(join(tmpdir(), 'latchkey-faults-'));
const pgPool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
const myPool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2 });
const pgPrefix = `lk_${uniqueSuffix()}_`;
const myPrefix = `lk_${uniqueSuffix()}_`;

after(async () => {
  for (const sql of dropTablesSql('postgres', pgPrefix)) await pgPool.query(sql);
  for (const sql of dropTablesSql('mysql', myPrefix)) await myPool.query(sql);
  await pgPool.end();
  await myPool.end();
  rmSync(dir, { recursive: true, force: true });
});

interface Engine {
  name: string;
  open(): Promise<Store>;
  count(table: string): Promise<number>;
  /** Makes inserting a session fail for users whose attributes contain `__fail__`. */
  inject(): Promise<void>;
  heal(): Promise<void>;
}

const engines: Engine[] = [
  (() => {
    const file = join(dir, 'faults.db');
    let store: ReturnType<typeof sqliteStore>;
    return {
      name: 'sqlite',
      async open() {
        store = sqliteStore(file);
        return store;
      },
      async count(table) {
        return Number(store.db.prepare(`SELECT count(*) AS n FROM "latchkey_${table}"`).get()!.n);
      },
      async inject() {
        store.db.exec(
          `CREATE TRIGGER latchkey_fault BEFORE INSERT ON latchkey_session WHEN EXISTS (SELECT 1 FROM latchkey_user WHERE id = NEW.user_id AND attributes LIKE '%__fail__%') BEGIN SELECT RAISE(ABORT, 'injected fault'); END`,
        );
      },
      async heal() {
        store.db.exec('DROP TRIGGER latchkey_fault');
      },
    };
  })(),
  {
    name: 'postgres',
    async open() {
      const store = postgresStore(POSTGRES_URL, { tablePrefix: pgPrefix });
      await store.migrate();
      return store;
    },
    async count(table) {
      return (await pgPool.query(`SELECT count(*)::int AS n FROM "${pgPrefix}${table}"`)).rows[0].n;
    },
    async inject() {
      await pgPool.query(
        `CREATE FUNCTION ${pgPrefix}fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF EXISTS (SELECT 1 FROM "${pgPrefix}user" WHERE id = NEW.user_id AND attributes LIKE '%__fail__%') THEN RAISE EXCEPTION 'injected fault'; END IF; RETURN NEW; END $$`,
      );
      await pgPool.query(
        `CREATE TRIGGER ${pgPrefix}fault BEFORE INSERT ON "${pgPrefix}session" FOR EACH ROW EXECUTE FUNCTION ${pgPrefix}fault()`,
      );
    },
    async heal() {
      await pgPool.query(`DROP TRIGGER ${pgPrefix}fault ON "${pgPrefix}session"`);
      await pgPool.query(`DROP FUNCTION ${pgPrefix}fault()`);
    },
  },
  {
    name: 'mysql',
    async open() {
      const store = mysqlStore(MYSQL_URL, { tablePrefix: myPrefix });
      await store.migrate();
      return store;
    },
    async count(table) {
      const [rows] = (await myPool.query(
        `SELECT count(*) AS n FROM \`${myPrefix}${table}\``,
      )) as unknown as [{ n: number }[]];
      return Number(rows[0]!.n);
    },
    async inject() {
      await myPool.query(
        `CREATE TRIGGER ${myPrefix}fault BEFORE INSERT ON \`${myPrefix}session\` FOR EACH ROW BEGIN IF EXISTS (SELECT 1 FROM \`${myPrefix}user\` WHERE id = NEW.user_id AND attributes LIKE '%__fail__%') THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected fault'; END IF; END`,
      );
    },
    async heal() {
      await myPool.query(`DROP TRIGGER ${myPrefix}fault`);
    },
  },
];

for (const engine of engines) {
  describe(`store faults: ${engine.name}`, () => {
    it('a failing session insert leaves no user, account or session; a retry works', async () => {
      const store = await engine.open();
      try {
        const auth = createLatchkey<{ username: string }>({ store });
        await engine.inject();
        const input = {
          attributes: { username: '__fail__' },
          account: { providerId: 'github', providerUserId: `f-${engine.name}` },
        };
        const err = await auth.createUserWithSession(input).catch((e: unknown) => e);
        assert.ok(err instanceof StoreError, `got ${String(err)}`);
        assert.equal(err.code, 'store_error');
        assert.ok(err.cause instanceof Error, 'the driver error is the cause');
        assert.match(err.cause.message, /injected fault/);
        assert.equal(await engine.count('user'), 0);
        assert.equal(await engine.count('account'), 0);
        assert.equal(await engine.count('session'), 0);
        await engine.heal();
        const { user, token } = await auth.createUserWithSession(input);
        assert.equal((await auth.validateSession(token))?.user.id, user.id);
        assert.equal(await engine.count('user'), 1);
        assert.equal(await engine.count('account'), 1);
        assert.equal(await engine.count('session'), 1);
      } finally {
        await store.close();
      }
    });
  });
}

/** Asserts an error is a StoreError with a cause, and that no secret leaks through it. */
function assertOpaque(err: unknown): asserts err is StoreError {
  assert.ok(err instanceof StoreError, `got ${String(err)}`);
  assert.ok(err.cause !== undefined, 'the driver error is kept as cause');
  assert.ok(!err.message.includes(SECRET));
  assert.ok(!String(err).includes(SECRET));
  assert.ok(!JSON.stringify(err).includes(SECRET));
  const cause = err.cause as Error;
  assert.ok(!String(cause.message).includes(SECRET), 'no parameter in the driver message');
  assert.ok(!JSON.stringify(cause).includes(SECRET), 'no parameter in the driver error fields');
}

const account = {
  userId: 'u',
  providerId: 'gh',
  issuer: '',
  providerUserId: '1',
  createdAt: 1,
  tokens: null,
  tokensVersion: 0,
  needsReauth: false,
};

describe('store faults: connections', () => {
  it('an unreachable server is a StoreError with the driver error as cause', async () => {
    for (const store of [
      postgresStore('postgres://postgres@127.0.0.1:1/test'),
      mysqlStore('mysql://root@127.0.0.1:1/test'),
    ]) {
      try {
        assertOpaque(await store.getUser('x').catch((e: unknown) => e));
        assertOpaque(
          await store.updateAccountTokens(key('1'), SECRET_WRITE).catch((e: unknown) => e),
        );
        assertOpaque(await store.migrate().catch((e: unknown) => e));
      } finally {
        await store.close();
      }
    }
  });

  it('a closed pool is a StoreError, not a raw driver error', async () => {
    const pool = new pg.Pool({ connectionString: POSTGRES_URL });
    await pool.end();
    const pgStore = postgresStore(pool, { tablePrefix: pgPrefix });
    assertOpaque(await pgStore.getSessionAndUser('x').catch((e: unknown) => e));
    assertOpaque(
      await pgStore.updateAccountTokens(key('1'), SECRET_WRITE).catch((e: unknown) => e),
    );
    const myClosed = mysql.createPool({ uri: MYSQL_URL });
    await myClosed.end();
    const myStore = mysqlStore(myClosed, { tablePrefix: myPrefix });
    assertOpaque(await myStore.getUser('x').catch((e: unknown) => e));
    assertOpaque(
      await myStore
        .createUser({ id: 'x', attributes: '{}', createdAt: 1 })
        .catch((e: unknown) => e),
    );
    const sqlite = sqliteStore(':memory:');
    await sqlite.close();
    assertOpaque(await sqlite.getUser('x').catch((e: unknown) => e));
  });

  it('a statement failing mid-write keeps the sealed tokens out of every error field', async () => {
    const store = mysqlStore(MYSQL_URL, { tablePrefix: myPrefix });
    try {
      await store.createUser(
        { id: 'tok-user', attributes: '{}', createdAt: 1 },
        {
          ...account,
          userId: 'tok-user',
          providerUserId: 'tok',
        },
      );
      await myPool.query(
        `CREATE TRIGGER ${myPrefix}tokfault BEFORE UPDATE ON \`${myPrefix}account\` FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected fault'`,
      );
      try {
        const err = await store
          .updateAccountTokens(key('tok'), SECRET_WRITE)
          .catch((e: unknown) => e);
        assertOpaque(err);
        assert.match((err.cause as Error).message, /injected fault/);
      } finally {
        await myPool.query(`DROP TRIGGER ${myPrefix}tokfault`);
      }
      assert.equal(await store.updateAccountTokens(key('tok'), SECRET_WRITE), true);
    } finally {
      await store.close();
    }
  });
});
