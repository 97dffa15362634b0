// Opens a migrated store from one URL, for the CLI and for apps configured by environment.
// Drivers are imported on demand, so a SQLite deployment never loads `pg` or `mysql2`.
import type { Store } from '../store.ts';
import type { MigrationResult } from './migrations.ts';

/** A store opened by {@link openStore}, with what its migration run applied. */
export interface OpenedStore {
  store: Store;
  dialect: 'sqlite' | 'postgres' | 'mysql';
  migration: MigrationResult;
}

/** The default SQLite file when no database is given. */
export const DEFAULT_DATABASE = 'latchkey.db';

/**
 * Opens and migrates the store a URL names: `postgres://` / `postgresql://`, `mysql://` /
 * `mariadb://`, or a SQLite file path / `sqlite:` URL (default `latchkey.db`).
 * @throws StoreError when the database cannot be reached or migrated.
 * @throws TypeError on a bad `tablePrefix`.
 */
export async function openStore(
  url: string = DEFAULT_DATABASE,
  options?: { tablePrefix?: string },
): Promise<OpenedStore> {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const { postgresStore } = await import('./postgres-store.ts');
    const store = postgresStore(url, options);
    return { store, dialect: 'postgres', migration: await migrateOrClose(store) };
  }
  if (/^(mysql|mariadb):\/\//i.test(url)) {
    const { mysqlStore } = await import('./mysql-store.ts');
    const store = mysqlStore(url, options);
    return { store, dialect: 'mysql', migration: await migrateOrClose(store) };
  }
  const { sqliteStore } = await import('./sqlite-store.ts');
  const store = sqliteStore(sqlitePath(url), options);
  return { store, dialect: 'sqlite', migration: store.migration ?? store.migrate() };
}

/** `sqlite:path`, `sqlite://path` and `file:path` name a file; anything else is a path. */
function sqlitePath(url: string): string {
  const match = /^(?:sqlite|file):(?:\/\/)?(.*)$/i.exec(url);
  const path = match ? match[1]! : url;
  return path === '' ? DEFAULT_DATABASE : path;
}

async function migrateOrClose(
  store: Store & { migrate(): Promise<MigrationResult> },
): Promise<MigrationResult> {
  try {
    return await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}
