// The shared base of the two networked SQL stores (PostgreSQL, MySQL/MariaDB). A dialect file
// supplies a tiny driver (run, transaction, pinned connection) and the few statements whose
// syntax differs (atomic take, add-if-expired, counters, the migration lock); everything else
// is the same SQL, written once here with `?` placeholders.
import { AccountExistsError, LatchkeyError, StoreError } from '../core/errors.ts';
import type { AccountKey } from '../core/types.ts';
import type { AccountRow, SessionAndUser, SessionRow, UserRow } from '../store/rows.ts';
import type { AccountTokensUpdate, Store } from '../store.ts';
import {
  accountValues,
  FIRST_KEY,
  keyValues,
  sessionValues,
  toAccount,
  toSession,
  sessionAndUserFromValues,
  toUser,
  type Row,
} from './sql-rows.ts';
import {
  checkTablePrefix,
  migrationsFor,
  migrationsTableSql,
  quoteIdentifier,
  tableNames,
  type MigrationResult,
  type SqlDialectName,
  type TableNames,
} from './migrations.ts';
import { ExpirySweeper } from './expiry-sweep.ts';
import { sqlStatements, type SqlStatements } from './sql-statements.ts';

/** One statement's outcome: rows for queries, the affected-row count for writes. */
export interface SqlResult {
  rows: Record<string, unknown>[];
  affected: number;
}

/** Runs one parameterised statement (`?` placeholders) on a connection or pool. */
export interface SqlExecutor {
  run(sql: string, params?: readonly unknown[]): Promise<SqlResult>;
}

/** What a dialect's driver adapter provides over the app's client library. */
export interface SqlDriver extends SqlExecutor {
  /** Runs `fn` in one transaction on one connection; commits, or rolls back and rethrows. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs `fn` on one pinned connection outside a transaction (session-level locks). */
  pinned<T>(fn: (conn: SqlExecutor) => Promise<T>): Promise<T>;
  /** Ends the pool when the store created it. */
  close(): Promise<void>;
  /**
   * The first row of a query as its values in column order, or `undefined` without one: the
   * session lookup's read, which needs no per-row keyed object.
   */
  firstRow(sql: string, params: readonly unknown[]): Promise<readonly unknown[] | undefined>;
}

/** Options shared by the PostgreSQL and MySQL stores. */
export interface SqlStoreOptions {
  /** Prefix of every table name; /^[a-z_][a-z0-9_]{0,30}$/. Default `latchkey_`. */
  tablePrefix?: string;
  /** Clock for temporary-record expiry, for tests. Default `Date.now`. */
  now?: () => number;
}

const sessionAndUserOrNull = (row: readonly unknown[] | undefined) =>
  row === undefined ? null : sessionAndUserFromValues(row);
const firstUser = (result: SqlResult) => (result.rows[0] ? toUser(result.rows[0]) : null);

/**
 * The common {@link Store} over a networked SQL engine. Subclasses are a driver adapter plus
 * the dialect-specific statements.
 */
export abstract class SqlStore implements Store {
  readonly tablePrefix: string;
  protected readonly driver: SqlDriver;
  protected readonly tables: TableNames;
  /** The shared statements, made once: drivers key their prepared statements by the text. */
  readonly #sql: SqlStatements;
  protected readonly now: () => number;
  /** The quoted name of the temp table's `key` column (reserved in MySQL). */
  protected readonly keyColumn: string;
  abstract readonly dialect: SqlDialectName;
  readonly #sweeper: ExpirySweeper;

  constructor(driver: SqlDriver, dialect: SqlDialectName, options: SqlStoreOptions = {}) {
    this.tablePrefix = checkTablePrefix(options.tablePrefix);
    this.driver = driver;
    this.tables = tableNames(dialect, this.tablePrefix);
    this.keyColumn = quoteIdentifier(dialect, 'key');
    this.#sql = sqlStatements(this.tables, this.keyColumn);
    this.now = options.now ?? Date.now;
    this.#sweeper = new ExpirySweeper((now, limit) => this.sweepTemps(now, limit), this.now);
  }

  /**
   * Counts a write that added a short-lived record; every so often it deletes one bounded batch
   * of expired records (see `expiry-sweep.ts`). Never throws.
   */
  protected afterTempWrite(): Promise<void> {
    return this.#sweeper.afterWrite();
  }

  /** Whether a driver error is a unique-key violation. */
  protected abstract isUniqueViolation(error: unknown): boolean;
  /** Whether a driver error is a foreign-key violation (the referenced user is missing). */
  protected abstract isForeignKeyViolation(error: unknown): boolean;
  /** Runs `fn` holding the dialect's cross-process migration lock on a pinned connection. */
  protected abstract withMigrationLock<T>(fn: (conn: SqlExecutor) => Promise<T>): Promise<T>;
  /** Whether DDL is transactional (PostgreSQL): each migration then commits as a whole. */
  protected abstract readonly transactionalDdl: boolean;
  /** Deletes at most `limit` temp records expired at `now`; returns how many went. */
  protected abstract sweepTemps(now: number, limit: number): Promise<number>;

  abstract addTemp(kind: string, key: string, value: string, expiresAt: number): Promise<boolean>;
  abstract takeTemp(kind: string, key: string): Promise<string | null>;
  abstract incrementCounter(
    kind: string,
    key: string,
    expiresAt: number,
  ): Promise<{ count: number; expiresAt: number }>;
  abstract setTemp(kind: string, key: string, value: string, expiresAt: number): Promise<void>;

  /** Wraps a failure: latchkey errors pass through, driver errors become `StoreError`. */
  protected fail(operation: string, error: unknown): LatchkeyError {
    if (error instanceof LatchkeyError) return error;
    return new StoreError(operation, { cause: error });
  }

  /**
   * Applies pending migrations under a cross-process lock; a second run is a no-op.
   * @throws StoreError when the engine fails; the failed migration is not recorded.
   */
  async migrate(): Promise<MigrationResult> {
    const t = this.tables;
    try {
      return await this.withMigrationLock(async (conn) => {
        await conn.run(migrationsTableSql(this.dialect, this.tablePrefix));
        const { rows } = await conn.run(`SELECT version FROM ${t.migrations}`);
        const done = new Set(rows.map((r) => Number(r.version)));
        const applied: number[] = [];
        let current = 0;
        for (const m of migrationsFor(this.dialect, this.tablePrefix)) {
          current = m.version;
          if (done.has(m.version)) continue;
          // MySQL commits DDL implicitly; its statements are IF NOT EXISTS so a rerun after a
          // crash between them completes the migration.
          if (this.transactionalDdl) await conn.run('BEGIN');
          try {
            for (const sql of m.statements) await conn.run(sql);
            await conn.run(
              `INSERT INTO ${t.migrations} (version, name, applied_at) VALUES (?, ?, ?)`,
              [m.version, m.name, Date.now()],
            );
            if (this.transactionalDdl) await conn.run('COMMIT');
          } catch (error) {
            if (this.transactionalDdl) await conn.run('ROLLBACK').catch(() => undefined);
            throw error;
          }
          applied.push(m.version);
        }
        return { applied, current };
      });
    } catch (error) {
      throw this.fail('migrate', error);
    }
  }

  async #insertAccount(db: SqlExecutor, account: AccountRow): Promise<void> {
    try {
      await db.run(this.#sql.insertAccount, accountValues(account));
    } catch (error) {
      if (this.isUniqueViolation(error)) {
        throw new AccountExistsError(account.providerId, { cause: error });
      }
      if (this.isForeignKeyViolation(error)) throw userNotFound(error);
      throw error;
    }
  }

  async #insertSession(db: SqlExecutor, session: SessionRow): Promise<void> {
    try {
      await db.run(this.#sql.insertSession, sessionValues(session));
    } catch (error) {
      if (this.isForeignKeyViolation(error)) throw userNotFound(error);
      throw error;
    }
  }

  async createUser(user: UserRow, account?: AccountRow, session?: SessionRow): Promise<void> {
    try {
      await this.driver.transaction(async (tx) => {
        await tx.run(this.#sql.insertUser, [user.id, user.attributes, user.createdAt]);
        if (account) await this.#insertAccount(tx, account);
        if (session) await this.#insertSession(tx, session);
      });
    } catch (error) {
      throw this.fail('createUser', error);
    }
  }

  async #one(operation: string, sql: string, params: readonly unknown[]): Promise<Row | null> {
    try {
      return (await this.driver.run(sql, params)).rows[0] ?? null;
    } catch (error) {
      throw this.fail(operation, error);
    }
  }

  async #write(operation: string, sql: string, params: readonly unknown[]): Promise<number> {
    try {
      return (await this.driver.run(sql, params)).affected;
    } catch (error) {
      throw this.fail(operation, error);
    }
  }

  /** On every validation of a session kept elsewhere (Redis): a `then` on the driver's promise. */
  getUser(userId: string): Promise<UserRow | null> {
    return this.driver.run(this.#sql.getUser, [userId]).then(firstUser, (error) => {
      throw this.fail('getUser', error);
    });
  }

  async getUserByAccount(key: Required<AccountKey>): Promise<UserRow | null> {
    const row = await this.#one('getUserByAccount', this.#sql.getUserByAccount, keyValues(key));
    return row ? toUser(row) : null;
  }

  async updateUserAttributes(userId: string, attributes: string): Promise<boolean> {
    const changed = await this.#write('updateUserAttributes', this.#sql.updateUser, [
      attributes,
      userId,
    ]);
    if (changed > 0) return true;
    // MySQL without CLIENT_FOUND_ROWS reports 0 for an unchanged row: ask whether it exists.
    return (await this.getUser(userId)) !== null;
  }

  async deleteUser(userId: string): Promise<void> {
    await this.#write('deleteUser', this.#sql.deleteUser, [userId]);
  }

  async linkAccount(account: AccountRow): Promise<void> {
    try {
      await this.#insertAccount(this.driver, account);
    } catch (error) {
      throw this.fail('linkAccount', error);
    }
  }

  async unlinkAccount(key: Required<AccountKey>): Promise<boolean> {
    return (await this.#write('unlinkAccount', this.#sql.deleteAccount, keyValues(key))) > 0;
  }

  async getAccount(key: Required<AccountKey>): Promise<AccountRow | null> {
    const row = await this.#one('getAccount', this.#sql.getAccount, keyValues(key));
    return row ? toAccount(row) : null;
  }

  async getUserAccounts(userId: string): Promise<AccountRow[]> {
    try {
      const { rows } = await this.driver.run(this.#sql.getUserAccounts, [userId]);
      return rows.map(toAccount);
    } catch (error) {
      throw this.fail('getUserAccounts', error);
    }
  }

  async listAccountsWithTokens(
    after: Required<AccountKey> | null,
    limit: number,
  ): Promise<AccountRow[]> {
    try {
      // The limit is inlined: a bound LIMIT is refused by some MySQL servers (sent as a double).
      const { rows } = await this.driver.run(
        `${this.#sql.accountsWithTokensAfter} LIMIT ${Math.max(1, Math.trunc(limit))}`,
        keyValues(after ?? FIRST_KEY),
      );
      return rows.map(toAccount);
    } catch (error) {
      throw this.fail('listAccountsWithTokens', error);
    }
  }

  async updateAccountTokens(
    key: Required<AccountKey>,
    update: AccountTokensUpdate,
  ): Promise<boolean> {
    const { expectedVersion, tokens, needsReauth } = update;
    const params = [tokens, needsReauth, ...keyValues(key), expectedVersion];
    return (await this.#write('updateAccountTokens', this.#sql.updateTokens, params)) === 1;
  }

  async createSession(session: SessionRow): Promise<void> {
    try {
      await this.#insertSession(this.driver, session);
    } catch (error) {
      throw this.fail('createSession', error);
    }
  }

  /**
   * The hot path: one JOIN of the session and its user by session id. A `then` on the driver's
   * promise rather than an async function over `#one`: two promises fewer on every request.
   */
  getSessionAndUser(sessionId: string): Promise<SessionAndUser | null> {
    return this.driver
      .firstRow(this.#sql.getSessionAndUser, [sessionId])
      .then(sessionAndUserOrNull, (error) => {
        throw this.fail('getSessionAndUser', error);
      });
  }

  async updateSessionExpiry(
    sessionId: string,
    expiresAt: number,
    lastSeenAt: number,
  ): Promise<void> {
    const params = [expiresAt, lastSeenAt, sessionId];
    await this.#write('updateSessionExpiry', this.#sql.updateSessionExpiry, params);
  }

  async getUserSessions(userId: string): Promise<SessionRow[]> {
    try {
      const { rows } = await this.driver.run(this.#sql.getUserSessions, [userId]);
      return rows.map(toSession);
    } catch (error) {
      throw this.fail('getUserSessions', error);
    }
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.#write('deleteSession', this.#sql.deleteSession, [sessionId]);
  }

  async deleteUserSessions(userId: string, exceptSessionId?: string): Promise<void> {
    if (exceptSessionId === undefined) {
      await this.#write('deleteUserSessions', this.#sql.deleteUserSessions, [userId]);
    } else {
      const params = [userId, exceptSessionId];
      await this.#write('deleteUserSessions', this.#sql.deleteUserSessionsExcept, params);
    }
  }

  async getTemp(kind: string, key: string): Promise<string | null> {
    const row = await this.#one('getTemp', this.#sql.getTemp, [kind, key, this.now()]);
    return row ? (row.value as string) : null;
  }

  async deleteTemp(kind: string, key: string): Promise<void> {
    await this.#write('deleteTemp', this.#sql.deleteTemp, [kind, key]);
  }

  async deleteExpired(now: number): Promise<number> {
    const sessions = await this.#write('deleteExpired', this.#sql.deleteExpiredSessions, [now]);
    await this.#write('deleteExpired', this.#sql.deleteExpiredTemps, [now]);
    return sessions;
  }

  /** Ends the pool when the store created it; an app's own pool is left open. */
  async close(): Promise<void> {
    try {
      await this.driver.close();
    } catch (error) {
      throw this.fail('close', error);
    }
  }
}

function userNotFound(cause: unknown): LatchkeyError {
  return new LatchkeyError('user_not_found', 'No such user', { cause });
}
