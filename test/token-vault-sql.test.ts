// The token vault suite on the SQL stores' real engines (SQLite file, PostgreSQL).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import pg from 'pg';
import { dropTablesSql } from '../src/stores/migrations.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import { POSTGRES_URL, uniqueSuffix } from './helpers.ts';
import { tokenVaultSuite } from './token-vault-suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'latchkey-vault-'));
const prefixes: string[] = [];
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
  for (const prefix of prefixes) {
    for (const sql of dropTablesSql('postgres', prefix)) await admin.query(sql);
  }
  await admin.end();
});

tokenVaultSuite('sqlite', async () =>
  sqliteStore(join(dir, 'vault.db'), { tablePrefix: `lk_${uniqueSuffix()}_` }),
);

tokenVaultSuite('postgres', async () => {
  const tablePrefix = `lk_${uniqueSuffix()}_`;
  prefixes.push(tablePrefix);
  const store = postgresStore(POSTGRES_URL, { tablePrefix });
  await store.migrate();
  return store;
});
