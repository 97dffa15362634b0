// latchkey/d1: the whole store on Cloudflare D1 (SQLite behind an async binding), for Workers.
// The schema and statements are the SQLite store's; D1 only differs in being async and in having
// no interactive transactions, so every multi-row write is one `batch()` (D1 runs a batch as one
// transaction). The session lookup stays one prepared JOIN. The single-statement methods are the
// SQLite store's own (sqlite-dialect-store.ts), here run on the binding. Works on any D1 binding:
// a Worker's `env.DB`, or Miniflare's in tests. No Cloudflare package is needed: the binding is
// typed here.
import { AccountExistsError } from '../core/errors.ts';
import type { AccountRow, SessionAndUser, SessionRow, UserRow } from '../store/rows.ts';
import { sqliteStatements, type SqliteStatementName } from './sqlite-statements.ts';
import { SqliteDialectStore, storeError, type SqliteValue } from './sqlite-dialect-store.ts';
import {
  checkTablePrefix,
  migrationsFor,
  migrationsTableSql,
  tableNames,
  type MigrationResult,
} from './migrations.ts';
import { accountValues, sessionValues, toSessionAndUser, type Row } from './sql-rows.ts';

/** The part of a D1 prepared statement latchkey uses (`D1PreparedStatement`). */
export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  first<T = Row>(): Promise<T | null>;
  all<T = Row>(): Promise<{ results: T[]; meta: { changes?: number } }>;
  run(): Promise<{ meta: { changes?: number } }>;
}

/** The part of a D1 binding latchkey uses (`D1Database`). */
export interface D1DatabaseLike {
  prepare(sql: string): D1StatementLike;
  batch(statements: D1StatementLike[]): Promise<{ meta: { changes?: number } }[]>;
}

/** Options of {@link d1Store}. */
export interface D1StoreOptions {
  /** Prefix of every table name; /^[a-z_][a-z0-9_]{0,30}$/. Default `latchkey_`. */
  tablePrefix?: string;
  /** Clock for temporary-record expiry, for tests. Default `Date.now`. */
  now?: () => number;
}

// D1 reports SQLite errors as text ("D1_ERROR: UNIQUE constraint failed: …: SQLITE_CONSTRAINT"),
// on the error or its cause; it has no numeric code.
function errorText(error: unknown): string {
  let text = '';
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    text += ` ${e.message}`;
  }
  return text;
}
/** A duplicate key in `table` (SQLite names it: "UNIQUE constraint failed: <table>.<column>, …"). */
const isUniqueIn = (error: unknown, table: string): boolean =>
  errorText(error).includes(`UNIQUE constraint failed: ${table}.`);
const isForeignKey = (error: unknown): boolean =>
  /FOREIGN KEY constraint failed/.test(errorText(error));

const changes = (result: { meta: { changes?: number } }): number =>
  Number(result.meta.changes ?? 0);

/** A {@link Store} on a Cloudflare D1 database. Create with {@link d1Store}. */
export class D1Store extends SqliteDialectStore {
  readonly db: D1DatabaseLike;
  readonly #sql: Record<SqliteStatementName, string>;
  readonly #accountTable: string;

  /** @throws TypeError on a bad `tablePrefix`. */
  constructor(db: D1DatabaseLike, options: D1StoreOptions = {}) {
    if (!db || typeof db.prepare !== 'function' || typeof db.batch !== 'function') {
      throw new TypeError('d1Store: pass a D1 database binding (env.DB)');
    }
    super(options);
    this.db = db;
    this.#sql = sqliteStatements(tableNames('sqlite', this.tablePrefix));
    this.#accountTable = `${this.tablePrefix}account`;
  }

  #q(name: SqliteStatementName, ...values: SqliteValue[]): D1StatementLike {
    return this.db.prepare(this.#sql[name]).bind(...values);
  }

  protected get(name: SqliteStatementName, ...values: SqliteValue[]): Promise<Row | null> {
    return this.#q(name, ...values).first();
  }

  protected async all(name: SqliteStatementName, ...values: SqliteValue[]): Promise<Row[]> {
    return (await this.#q(name, ...values).all()).results;
  }

  protected async run(name: SqliteStatementName, ...values: SqliteValue[]): Promise<number> {
    return changes(await this.#q(name, ...values).run());
  }

  protected isDuplicateAccount(error: unknown): boolean {
    return isUniqueIn(error, this.#accountTable);
  }

  protected isMissingUser(error: unknown): boolean {
    return isForeignKey(error);
  }

  /**
   * Creates missing tables: the pending migrations and their ledger rows in one batch (one D1
   * transaction). Two concurrent runs both succeed (every statement is idempotent); running it
   * again is a no-op. Run it once per deployment, e.g. from a deploy script or a first request.
   * @throws StoreError when a migration fails; the batch is rolled back.
   */
  async migrate(): Promise<MigrationResult> {
    const t = tableNames('sqlite', this.tablePrefix);
    try {
      await this.db.prepare(migrationsTableSql('sqlite', this.tablePrefix)).run();
      const done = await this.db.prepare(`SELECT version FROM ${t.migrations}`).all();
      const versions = new Set(done.results.map((r) => Number(r.version)));
      const batch: D1StatementLike[] = [];
      const applied: number[] = [];
      let current = 0;
      for (const m of migrationsFor('sqlite', this.tablePrefix)) {
        current = m.version;
        if (versions.has(m.version)) continue;
        for (const sql of m.statements) batch.push(this.db.prepare(sql));
        batch.push(
          this.db
            .prepare(
              `INSERT OR IGNORE INTO ${t.migrations} (version, name, applied_at) VALUES (?, ?, ?)`,
            )
            .bind(m.version, m.name, Date.now()),
        );
        applied.push(m.version);
      }
      if (batch.length > 0) await this.db.batch(batch);
      return { applied, current };
    } catch (error) {
      throw storeError('migrate', error);
    }
  }

  async createUser(user: UserRow, account?: AccountRow, session?: SessionRow): Promise<void> {
    const batch = [this.#q('insertUser', user.id, user.attributes, user.createdAt)];
    if (account) batch.push(this.#q('insertAccount', ...accountValues(account)));
    if (session) batch.push(this.#q('insertSession', ...sessionValues(session)));
    try {
      await this.db.batch(batch);
    } catch (error) {
      // The batch rolled back whole. A duplicate account key is the one expected conflict; a
      // reused user id (the core never makes one) stays a StoreError.
      if (account && this.isDuplicateAccount(error))
        throw new AccountExistsError(account.providerId, { cause: error });
      throw storeError('createUser', error);
    }
  }

  /** The hot path: one query, the session joined to its user. */
  async getSessionAndUser(sessionId: string): Promise<SessionAndUser | null> {
    let row: Row | null;
    try {
      row = await this.get('getSessionAndUser', sessionId);
    } catch (error) {
      throw storeError('getSessionAndUser', error);
    }
    return toSessionAndUser(row);
  }

  async deleteExpired(now: number): Promise<number> {
    try {
      const [sessions] = await this.db.batch([
        this.#q('deleteExpiredSessions', now),
        this.#q('deleteExpiredTemps', now),
      ]);
      return sessions ? changes(sessions) : 0;
    } catch (error) {
      throw storeError('deleteExpired', error);
    }
  }

  /** Nothing to release: the binding belongs to the Worker runtime. */
  async close(): Promise<void> {}
}

/**
 * The schema as one SQL script — the tables and the ledger rows `migrate()` would write — for
 * `wrangler d1 migrations` or `wrangler d1 execute --file`, when the app prefers applying DDL
 * at deploy time. `migrate()` afterwards finds everything applied.
 * @throws TypeError on a bad `tablePrefix`.
 */
export function d1SchemaSql(options: { tablePrefix?: string } = {}): string {
  const prefix = checkTablePrefix(options.tablePrefix);
  const ledger = tableNames('sqlite', prefix).migrations;
  const lines = [migrationsTableSql('sqlite', prefix)];
  for (const m of migrationsFor('sqlite', prefix)) {
    lines.push(...m.statements);
    // Names are fixed identifiers from migrations.ts, never input: safe to inline.
    lines.push(
      `INSERT OR IGNORE INTO ${ledger} (version, name, applied_at) VALUES (${m.version}, '${m.name}', ${Date.now()})`,
    );
  }
  return lines.map((sql) => `${sql};\n`).join('');
}

/**
 * A store on a Cloudflare D1 binding. Call `await store.migrate()` once before first use.
 * @throws TypeError on a bad `tablePrefix` or something that is not a D1 binding.
 * @see https://developers.cloudflare.com/d1/worker-api/
 */
export function d1Store(db: D1DatabaseLike, options?: D1StoreOptions): D1Store {
  return new D1Store(db, options);
}
