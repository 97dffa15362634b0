// The embedded default store, on Node's built-in `node:sqlite`. Every statement is prepared once
// in the constructor; the session lookup is one synchronous JOIN, so validating a session costs
// no promise hop and no re-prepare (see docs/performance.md: ~7 µs per lookup). The
// single-statement methods are shared with the D1 store (sqlite-dialect-store.ts), which runs
// the same statements; this file keeps what is node:sqlite's own: transactions and the lookup.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { AccountRow, SessionAndUser, SessionRow, UserRow } from '../store/rows.ts';
import { accountValues, sessionAndUserFromValues, sessionValues, type Row } from './sql-rows.ts';
import { sqliteStatements, type SqliteStatementName } from './sqlite-statements.ts';
import { SqliteDialectStore, storeError, type SqliteValue } from './sqlite-dialect-store.ts';
import {
  migrationsFor,
  migrationsTableSql,
  tableNames,
  type MigrationResult,
} from './migrations.ts';

/** Options of {@link sqliteStore}. */
export interface SqliteStoreOptions {
  /** Prefix of every table name; /^[a-z_][a-z0-9_]{0,30}$/. Default `latchkey_`. */
  tablePrefix?: string;
  /** Apply pending migrations when the store opens. Default `true`. */
  migrate?: boolean;
  /** Milliseconds a writer waits for another process's lock. Default 5000. */
  busyTimeout?: number;
  /** Clock for temporary-record expiry, for tests. Default `Date.now`. */
  now?: () => number;
}

// SQLite extended result codes (https://sqlite.org/rescode.html).
const SQLITE_CONSTRAINT_UNIQUE = 2067;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;

function errcode(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * A {@link Store} on SQLite through `node:sqlite`. Statements are prepared once; writes that
 * span rows run in `BEGIN IMMEDIATE` transactions; the session lookup is synchronous.
 */
export class SqliteStore extends SqliteDialectStore {
  readonly db: DatabaseSync;
  /** What the migration run at open applied (`null` with `migrate: false`). */
  readonly migration: MigrationResult | null = null;
  readonly #owned: boolean;
  readonly #s: Record<string, StatementSync>;

  /**
   * @throws TypeError on a bad `tablePrefix`.
   * @throws StoreError when the database cannot be opened or migrated.
   */
  constructor(fileOrDatabase: string | DatabaseSync, options: SqliteStoreOptions = {}) {
    super(options);
    this.#owned = typeof fileOrDatabase === 'string';
    try {
      this.db =
        typeof fileOrDatabase === 'string' ? new DatabaseSync(fileOrDatabase) : fileOrDatabase;
      // Cascades need foreign keys, whoever opened the database.
      this.db.exec('PRAGMA foreign_keys = ON');
      this.db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeout ?? 5000))}`);
      if (this.#owned) {
        // No ANALYZE / PRAGMA optimize, ever: with STAT4 every rebind re-prepares.
        this.db.exec('PRAGMA journal_mode = WAL');
        this.db.exec('PRAGMA synchronous = NORMAL');
        this.db.exec('PRAGMA cache_size = -65536');
        this.db.exec('PRAGMA mmap_size = 1073741824');
      }
      if (options.migrate ?? true) this.migration = this.migrate();
      this.#s = this.#prepare();
      // Arrays, not objects, for the hot lookup: ~1 µs less per validation (Node ≥ 22.16).
      this.#s.getSessionAndUser!.setReturnArrays(true);
    } catch (error) {
      throw storeError('open', error);
    }
  }

  #prepare(): Record<string, StatementSync> {
    const statements = sqliteStatements(tableNames('sqlite', this.tablePrefix));
    const prepared: Record<string, StatementSync> = {};
    for (const [name, sql] of Object.entries(statements)) prepared[name] = this.db.prepare(sql);
    return prepared;
  }

  /**
   * Applies pending migrations inside `BEGIN IMMEDIATE`, which also serialises two processes
   * migrating the same file. Running it again is a no-op.
   * @throws StoreError when a migration fails; that migration is rolled back.
   */
  migrate(): MigrationResult {
    const t = tableNames('sqlite', this.tablePrefix);
    try {
      return this.#transaction(() => {
        this.db.exec(migrationsTableSql('sqlite', this.tablePrefix));
        const done = new Set(
          this.db
            .prepare(`SELECT version FROM ${t.migrations}`)
            .all()
            .map((r) => Number(r.version)),
        );
        const applied: number[] = [];
        let current = 0;
        for (const m of migrationsFor('sqlite', this.tablePrefix)) {
          current = m.version;
          if (done.has(m.version)) continue;
          for (const sql of m.statements) this.db.exec(sql);
          this.db
            .prepare(`INSERT INTO ${t.migrations} (version, name, applied_at) VALUES (?, ?, ?)`)
            .run(m.version, m.name, Date.now());
          applied.push(m.version);
        }
        return { applied, current };
      });
    } catch (error) {
      throw storeError('migrate', error);
    }
  }

  #transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  protected get(name: SqliteStatementName, ...values: SqliteValue[]): Row | null {
    return this.#s[name]!.get(...values) ?? null;
  }

  protected all(name: SqliteStatementName, ...values: SqliteValue[]): Row[] {
    return this.#s[name]!.all(...values);
  }

  protected run(name: SqliteStatementName, ...values: SqliteValue[]): number {
    return Number(this.#s[name]!.run(...values).changes);
  }

  protected isDuplicateAccount(error: unknown): boolean {
    const code = errcode(error);
    return code === SQLITE_CONSTRAINT_UNIQUE || code === SQLITE_CONSTRAINT_PRIMARYKEY;
  }

  protected isMissingUser(error: unknown): boolean {
    return errcode(error) === SQLITE_CONSTRAINT_FOREIGNKEY;
  }

  async createUser(user: UserRow, account?: AccountRow, session?: SessionRow): Promise<void> {
    try {
      this.#transaction(() => {
        this.run('insertUser', user.id, user.attributes, user.createdAt);
        if (account) this.#insertAccount(account);
        if (session) this.#insertSession(session);
      });
    } catch (error) {
      throw storeError('createUser', error);
    }
  }

  // Synchronous, inside the transaction; the errors typed as the shared inserts type them.
  #insertAccount(account: AccountRow): void {
    try {
      this.run('insertAccount', ...accountValues(account));
    } catch (error) {
      throw this.accountInsertError(error, account);
    }
  }

  #insertSession(session: SessionRow): void {
    try {
      this.run('insertSession', ...sessionValues(session));
    } catch (error) {
      throw this.sessionInsertError(error);
    }
  }

  /** The hot path: one prepared JOIN, answered synchronously. */
  getSessionAndUser(sessionId: string): SessionAndUser | null {
    let row: unknown[] | undefined;
    try {
      row = this.#s.getSessionAndUser!.get(sessionId) as unknown[] | undefined;
    } catch (error) {
      throw storeError('getSessionAndUser', error);
    }
    // Rows come back as arrays (`setReturnArrays`): no per-row key objects.
    return row === undefined ? null : sessionAndUserFromValues(row);
  }

  async deleteExpired(now: number): Promise<number> {
    try {
      return this.#transaction(() => {
        const sessions = this.run('deleteExpiredSessions', now);
        this.run('deleteExpiredTemps', now);
        return sessions;
      });
    } catch (error) {
      throw storeError('deleteExpired', error);
    }
  }

  /** Closes the database when this store opened it (never a `DatabaseSync` passed in). */
  async close(): Promise<void> {
    if (this.#owned && this.db.isOpen) this.db.close();
  }
}

/**
 * Opens a SQLite store on a file path (or `:memory:`) or on an app's own `DatabaseSync`,
 * applying pending migrations unless `migrate: false`.
 * @throws TypeError on a bad `tablePrefix`; StoreError when the file cannot be opened.
 * @see https://nodejs.org/api/sqlite.html
 */
export function sqliteStore(
  fileOrDatabase: string | DatabaseSync,
  options?: SqliteStoreOptions,
): SqliteStore {
  return new SqliteStore(fileOrDatabase, options);
}
