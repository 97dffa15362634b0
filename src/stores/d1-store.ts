// latchkey/d1: the whole store on Cloudflare D1 (SQLite behind an async binding), for Workers.
// The schema and statements are the SQLite store's; D1 only differs in being async and in having
// no interactive transactions, so every multi-row write is one `batch()` (D1 runs a batch as one
// transaction). The session lookup stays one prepared JOIN. Works on any D1 binding: a Worker's
// `env.DB`, or Miniflare's in tests. No Cloudflare package is needed: the binding is typed here.
import { AccountExistsError, LatchkeyError, StoreError } from '../core/errors.ts';
import type { AccountKey } from '../core/types.ts';
import type { AccountRow, SessionAndUser, SessionRow, UserRow } from '../store/rows.ts';
import type { AccountTokensUpdate, Store } from '../store.ts';
import { sqliteStatements, type SqliteStatementName } from './sqlite-statements.ts';
import { ExpirySweeper } from './expiry-sweep.ts';
import { checkTablePrefix, migrationsFor, migrationsTableSql, tableNames } from './migrations.ts';
import type { MigrationResult } from './migrations.ts';
import { FIRST_KEY, keyValues, type Row } from './sql-rows.ts';
import {
  accountValues,
  sessionValues,
  toAccount,
  toSession,
  toSessionAndUser,
  toUser,
} from './sql-rows.ts';

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

function storeError(operation: string, error: unknown): LatchkeyError {
  if (error instanceof LatchkeyError) return error;
  return new StoreError(operation, { cause: error });
}

function userNotFound(cause: unknown): LatchkeyError {
  return new LatchkeyError('user_not_found', 'No such user', { cause });
}

const changes = (result: { meta: { changes?: number } }): number =>
  Number(result.meta.changes ?? 0);

/** A {@link Store} on a Cloudflare D1 database. Create with {@link d1Store}. */
export class D1Store implements Store {
  readonly db: D1DatabaseLike;
  readonly tablePrefix: string;
  readonly #now: () => number;
  readonly #sql: Record<SqliteStatementName, string>;
  readonly #sweeper: ExpirySweeper;
  readonly #accountTable: string;

  /** @throws TypeError on a bad `tablePrefix`. */
  constructor(db: D1DatabaseLike, options: D1StoreOptions = {}) {
    if (!db || typeof db.prepare !== 'function' || typeof db.batch !== 'function') {
      throw new TypeError('d1Store: pass a D1 database binding (env.DB)');
    }
    this.db = db;
    this.tablePrefix = checkTablePrefix(options.tablePrefix);
    this.#now = options.now ?? Date.now;
    this.#sql = sqliteStatements(tableNames('sqlite', this.tablePrefix));
    this.#accountTable = `${this.tablePrefix}account`;
    this.#sweeper = new ExpirySweeper(
      async (now, limit) => changes(await this.#q('sweepTemps', now, limit).run()),
      this.#now,
    );
  }

  #q(name: SqliteStatementName, ...values: unknown[]): D1StatementLike {
    return this.db.prepare(this.#sql[name]).bind(...values);
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
      if (account && isUniqueIn(error, this.#accountTable))
        throw new AccountExistsError(account.providerId, { cause: error });
      throw storeError('createUser', error);
    }
  }

  async getUser(userId: string): Promise<UserRow | null> {
    try {
      const row = await this.#q('getUser', userId).first();
      return row ? toUser(row) : null;
    } catch (error) {
      throw storeError('getUser', error);
    }
  }

  async getUserByAccount(key: Required<AccountKey>): Promise<UserRow | null> {
    try {
      const row = await this.#q('getUserByAccount', ...keyValues(key)).first();
      return row ? toUser(row) : null;
    } catch (error) {
      throw storeError('getUserByAccount', error);
    }
  }

  async updateUserAttributes(userId: string, attributes: string): Promise<boolean> {
    try {
      return changes(await this.#q('updateUser', attributes, userId).run()) > 0;
    } catch (error) {
      throw storeError('updateUserAttributes', error);
    }
  }

  async deleteUser(userId: string): Promise<void> {
    try {
      // Accounts and sessions go by ON DELETE CASCADE (D1 enforces foreign keys).
      await this.#q('deleteUser', userId).run();
    } catch (error) {
      throw storeError('deleteUser', error);
    }
  }

  async linkAccount(account: AccountRow): Promise<void> {
    try {
      await this.#q('insertAccount', ...accountValues(account)).run();
    } catch (error) {
      if (isUniqueIn(error, this.#accountTable))
        throw new AccountExistsError(account.providerId, { cause: error });
      if (isForeignKey(error)) throw userNotFound(error);
      throw storeError('linkAccount', error);
    }
  }

  async unlinkAccount(key: Required<AccountKey>): Promise<boolean> {
    try {
      return changes(await this.#q('deleteAccount', ...keyValues(key)).run()) > 0;
    } catch (error) {
      throw storeError('unlinkAccount', error);
    }
  }

  async getAccount(key: Required<AccountKey>): Promise<AccountRow | null> {
    try {
      const row = await this.#q('getAccount', ...keyValues(key)).first();
      return row ? toAccount(row) : null;
    } catch (error) {
      throw storeError('getAccount', error);
    }
  }

  async getUserAccounts(userId: string): Promise<AccountRow[]> {
    try {
      return (await this.#q('getUserAccounts', userId).all()).results.map(toAccount);
    } catch (error) {
      throw storeError('getUserAccounts', error);
    }
  }

  async listAccountsWithTokens(
    after: Required<AccountKey> | null,
    limit: number,
  ): Promise<AccountRow[]> {
    try {
      const page = this.#q('listAccountsWithTokens', ...keyValues(after ?? FIRST_KEY), limit);
      return (await page.all()).results.map(toAccount);
    } catch (error) {
      throw storeError('listAccountsWithTokens', error);
    }
  }

  async updateAccountTokens(
    key: Required<AccountKey>,
    update: AccountTokensUpdate,
  ): Promise<boolean> {
    try {
      const flag = update.needsReauth ? 1 : 0;
      const cas = this.#q(
        'updateTokens',
        update.tokens,
        flag,
        ...keyValues(key),
        update.expectedVersion,
      );
      return changes(await cas.run()) === 1;
    } catch (error) {
      throw storeError('updateAccountTokens', error);
    }
  }

  async createSession(session: SessionRow): Promise<void> {
    try {
      await this.#q('insertSession', ...sessionValues(session)).run();
    } catch (error) {
      if (isForeignKey(error)) throw userNotFound(error);
      throw storeError('createSession', error);
    }
  }

  /** The hot path: one query, the session joined to its user. */
  async getSessionAndUser(sessionId: string): Promise<SessionAndUser | null> {
    let row: Row | null;
    try {
      row = await this.#q('getSessionAndUser', sessionId).first();
    } catch (error) {
      throw storeError('getSessionAndUser', error);
    }
    return toSessionAndUser(row);
  }

  async updateSessionExpiry(
    sessionId: string,
    expiresAt: number,
    lastSeenAt: number,
  ): Promise<void> {
    try {
      await this.#q('updateSessionExpiry', expiresAt, lastSeenAt, sessionId).run();
    } catch (error) {
      throw storeError('updateSessionExpiry', error);
    }
  }

  async getUserSessions(userId: string): Promise<SessionRow[]> {
    try {
      return (await this.#q('getUserSessions', userId).all()).results.map(toSession);
    } catch (error) {
      throw storeError('getUserSessions', error);
    }
  }

  async deleteSession(sessionId: string): Promise<void> {
    try {
      await this.#q('deleteSession', sessionId).run();
    } catch (error) {
      throw storeError('deleteSession', error);
    }
  }

  async deleteUserSessions(userId: string, exceptSessionId?: string): Promise<void> {
    try {
      if (exceptSessionId === undefined) await this.#q('deleteUserSessions', userId).run();
      else await this.#q('deleteUserSessionsExcept', userId, exceptSessionId).run();
    } catch (error) {
      throw storeError('deleteUserSessions', error);
    }
  }

  async setTemp(kind: string, key: string, value: string, expiresAt: number): Promise<void> {
    try {
      await this.#q('setTemp', kind, key, value, expiresAt).run();
    } catch (error) {
      throw storeError('setTemp', error);
    }
    await this.#sweeper.afterWrite();
  }

  async addTemp(kind: string, key: string, value: string, expiresAt: number): Promise<boolean> {
    let added: boolean;
    try {
      const add = this.#q('addTemp', kind, key, value, expiresAt, this.#now());
      added = changes(await add.run()) > 0;
    } catch (error) {
      throw storeError('addTemp', error);
    }
    if (added) await this.#sweeper.afterWrite();
    return added;
  }

  async getTemp(kind: string, key: string): Promise<string | null> {
    try {
      const row = await this.#q('getTemp', kind, key, this.#now()).first();
      return row ? (row.value as string) : null;
    } catch (error) {
      throw storeError('getTemp', error);
    }
  }

  async takeTemp(kind: string, key: string): Promise<string | null> {
    try {
      // DELETE … RETURNING is one statement: of two takers only one sees the row.
      const row = await this.#q('takeTemp', kind, key).first();
      if (!row || Number(row.expires_at) <= this.#now()) return null;
      return row.value as string;
    } catch (error) {
      throw storeError('takeTemp', error);
    }
  }

  async deleteTemp(kind: string, key: string): Promise<void> {
    try {
      await this.#q('deleteTemp', kind, key).run();
    } catch (error) {
      throw storeError('deleteTemp', error);
    }
  }

  async incrementCounter(
    kind: string,
    key: string,
    expiresAt: number,
  ): Promise<{ count: number; expiresAt: number }> {
    let counted: { count: number; expiresAt: number };
    try {
      const now = this.#now();
      const row = await this.#q('incrementCounter', kind, key, expiresAt, now, now).first();
      if (!row) throw new Error('the counter upsert returned no row');
      counted = { count: Number(row.value), expiresAt: Number(row.expires_at) };
    } catch (error) {
      throw storeError('incrementCounter', error);
    }
    if (counted.count === 1) await this.#sweeper.afterWrite();
    return counted;
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
