// The race and fault rules of the callback on real engines (SQLite, PostgreSQL, MySQL):
// identical concurrent callbacks, concurrent first sign-ins, and a store failure mid-sign-in.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { dropTablesSql } from '../src/stores/migrations.ts';
import { mysqlStore } from '../src/stores/mysql-store.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import type { Store } from '../src/store.ts';
import { POSTGRES_URL, MYSQL_URL, uniqueSuffix } from './helpers.ts';
import { Browser, createHarness, ORIGIN, type Harness } from './http-harness.ts';

const pgPrefixes: string[] = [];
const myPrefixes: string[] = [];
after(async () => {
  const myAdmin = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 1 });
  for (const prefix of myPrefixes)
    for (const sql of dropTablesSql('mysql', prefix)) await myAdmin.query(sql);
  await myAdmin.end();
  const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
  for (const prefix of pgPrefixes)
    for (const sql of dropTablesSql('postgres', prefix)) await admin.query(sql);
  await admin.end();
});

const ENGINES: Record<string, (now: () => number) => Promise<Store>> = {
  sqlite: async (now) => sqliteStore(':memory:', { now }),
  postgres: async () => {
    const prefix = `lkh_${uniqueSuffix()}_`;
    pgPrefixes.push(prefix);
    const store = postgresStore(POSTGRES_URL, { tablePrefix: prefix });
    await store.migrate();
    return store;
  },
  mysql: async () => {
    const prefix = `lkh_${uniqueSuffix()}_`;
    myPrefixes.push(prefix);
    const store = mysqlStore(MYSQL_URL, { tablePrefix: prefix });
    await store.migrate();
    return store;
  },
};

for (const [engine, makeStore] of Object.entries(ENGINES)) {
  describe(`callback races on ${engine}`, () => {
    let h: Harness;
    it('setup', async () => {
      h = await createHarness({}, () => [], makeStore);
    });
    after(() => h?.close());

    it('two identical callbacks at once: one token request, one session, one 400', async () => {
      const b = new Browser();
      const callback = await h.authorize(b);
      const cookie = b.cookieHeader();
      const exchanges = h.double.stats.codeExchanges;
      const statuses = await Promise.all(
        [1, 2, 3].map(() =>
          h.handler.fetch(new Request(callback, { headers: { cookie } })).then((r) => r.status),
        ),
      );
      assert.deepEqual(statuses.sort(), [302, 400, 400]);
      assert.equal(h.double.stats.codeExchanges, exchanges + 1);
    });

    it('two first sign-ins of the same new person at once: one user', async () => {
      const twin = h.double.addUser({ login: `twin-${engine}` });
      h.double.approveAs(twin.login);
      const browsers = [new Browser(), new Browser(), new Browser()];
      const callbacks = await Promise.all(browsers.map((b) => h.authorize(b)));
      const responses = await Promise.all(
        browsers.map((b, i) => h.handler.fetch(b.request(callbacks[i]!)).then((r) => b.absorb(r))),
      );
      assert.deepEqual(
        responses.map((r) => r.status),
        [302, 302, 302],
      );
      const ids = new Set<string>();
      for (const b of browsers) {
        const r = await h.handler.fetch(b.request(`${ORIGIN}/auth/session`));
        ids.add(((await r.json()) as { user: { id: string } }).user.id);
      }
      assert.equal(ids.size, 1);
      h.double.approveAs('octocat');
    });

    it('a store failure mid-sign-in: 503, no partial rows, and a retry works', async () => {
      const person = h.double.addUser({ login: `fragile-${engine}` });
      h.double.approveAs(person.login);
      const b = new Browser();
      h.counting.failNext('createUser');
      const failed = await h.signIn(b);
      assert.equal(failed.status, 503);
      const key = {
        providerId: 'github',
        issuer: h.provider.issuer,
        providerUserId: String(person.id),
      };
      assert.equal(await h.auth.getUserByAccount(key), null);
      const retry = await h.signIn(b);
      assert.equal(retry.status, 302);
      assert.ok(await h.auth.getUserByAccount(key));
      h.double.approveAs('octocat');
    });
  });
}
