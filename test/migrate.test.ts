import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { dropTablesSql } from '../src/stores/migrations.ts';
import { openStore } from '../src/stores/open-store.ts';
import { POSTGRES_URL, uniqueSuffix } from './helpers.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'latchkey-migrate-'));
const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
const pgPrefixes: string[] = [];

after(async () => {
  for (const p of pgPrefixes) for (const sql of dropTablesSql('postgres', p)) await pool.query(sql);
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
});

async function latchkey(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [cli, ...args], { cwd: dir, env: { ...process.env } });
}

describe('latchkey migrate (CLI)', () => {
  it('migrates a SQLite file once; the second run is a no-op', async () => {
    const file = join(dir, 'app.db');
    const first = await latchkey('migrate', '--database', file);
    assert.match(first.stdout, /applied migration 1 to sqlite/);
    const second = await latchkey('migrate', '--database', `sqlite:${file}`);
    assert.match(second.stdout, /is up to date \(schema version 1\)/);
    const db = new DatabaseSync(file);
    const tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => r.name);
    assert.deepEqual(tables, [
      'latchkey_account',
      'latchkey_migrations',
      'latchkey_session',
      'latchkey_temp',
      'latchkey_user',
    ]);
    assert.equal(db.prepare('SELECT count(*) AS n FROM latchkey_migrations').get()!.n, 1);
    db.close();
  });

  it('defaults to latchkey.db in the working directory', async () => {
    const { stdout } = await latchkey('migrate');
    assert.match(stdout, /applied migration 1 to sqlite latchkey\.db/);
  });

  it('migrates PostgreSQL once; the second run is a no-op', async () => {
    const prefix = `lk_${uniqueSuffix()}_`;
    pgPrefixes.push(prefix);
    const first = await latchkey('migrate', '--database', POSTGRES_URL, '--table-prefix', prefix);
    assert.match(first.stdout, /applied migration 1 to postgres/);
    const second = await latchkey(
      'migrate',
      `--database=${POSTGRES_URL}`,
      `--table-prefix=${prefix}`,
    );
    assert.match(second.stdout, /up to date/);
    const { rows } = await pool.query(
      'SELECT table_name FROM information_schema.tables WHERE table_name LIKE $1 ORDER BY table_name',
      [`${prefix}%`],
    );
    assert.deepEqual(
      rows.map((r: { table_name: string }) => r.table_name),
      ['account', 'migrations', 'session', 'temp', 'user'].map((t) => prefix + t),
    );
  });

  it('reports an unreachable database with exit code 1 and no stack', async () => {
    const err = await latchkey(
      'migrate',
      '--database',
      'postgres://nobody:s3cret@127.0.0.1:1/x',
    ).catch((e: { code: number; stderr: string }) => e);
    assert.ok('code' in err && err.code === 1);
    assert.match(err.stderr, /The store failed during migrate/);
    assert.ok(!err.stderr.includes('s3cret'));
  });

  it('prints help, and refuses unknown commands and options', async () => {
    assert.match((await latchkey('help')).stdout, /migrate \[--database URL\|path\]/);
    const unknown = await latchkey('frobnicate').catch((e: { code: number }) => e);
    assert.equal((unknown as { code: number }).code, 2);
    const badOption = await latchkey('migrate', '--nope').catch((e: { code: number }) => e);
    assert.equal((badOption as { code: number }).code, 2);
  });
});

describe('openStore', () => {
  it('opens a migrated store by URL or path', async () => {
    const sqlite = await openStore(join(dir, 'open.db'));
    assert.equal(sqlite.dialect, 'sqlite');
    assert.deepEqual(sqlite.migration, { applied: [1], current: 1 });
    await sqlite.store.close();
    const prefix = `lk_${uniqueSuffix()}_`;
    pgPrefixes.push(prefix);
    const postgres = await openStore(POSTGRES_URL.replace(/^postgres:/, 'postgresql:'), {
      tablePrefix: prefix,
    });
    assert.equal(postgres.dialect, 'postgres');
    assert.equal(await postgres.store.getUser('none'), null);
    await postgres.store.close();
  });
});
