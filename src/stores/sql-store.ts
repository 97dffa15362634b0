// The shared base of the two networked SQL stores (PostgreSQL, MySQL/MariaDB). A dialect file
// supplies a tiny driver (run, transaction, pinned connection) and the few statements whose
// syntax differs (atomic take, add-if-expired, counters, the migration lock); everything else
// is the same SQL, written once here with `?` placeholders.
import { AccountExistsError, LatchkeyError, StoreError } from '../core/errors.ts';
import type { AccountKey } from '../core/types.ts';
import type { AccountRow, SessionAndUser, SessionRow, UserRow } from '../store/rows.ts';
import type { AccountTokensUpdate, Store } from '../store.ts';
import {
  ACCOUNT_COLUMNS,
  accountValues,
  FIRST_KEY,
  keyValues,
  SESSION_COLUMNS,
  sessionAndUserSql,
  sessionValues,
  toAccount,
  toSession,
  toSessionAndUser,
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
}

/** Options shared by the PostgreSQL and MySQL stores. */
export interface SqlStoreOptions {
  /** Prefix of every table name; /^[a-z_][a-z0-9_]{0,30}$/. Default `latchkey_`. */
  tablePrefix?: string;
  /** Clock for temporary-record expiry, for tests. Default `Date.now`. */
  now?: () => number;
}

const firstSessionAndUser = (result: SqlResult) => toSessionAndUser(result.rows[0]);
const firstUser = (result: SqlResult) => (result.rows[0] ? toUser(result.rows[0]) : null);

const ACCOUNT_KEY = 'provider_id = ? AND issuer = ? AND provider_user_id = ?';

/**
 * The common {@link Store} over a networked SQL engine. Subclasses are a driver adapter plus
 * the dialect-specific statements.
 */
export abstract class SqlStore implements Store {
  readonly tablePrefix: string;
  protected readonly driver: SqlDriver;
  protected readonly tables: TableNames;
  /** The hot paths' statements, made once: drivers key their prepared statements by the text. */
  readonly #sessionAndUserSql: string;
  readonly #userSql: string;
  protected readonly now: () => number;
  /** The quoted name of the temp table's `key` column (reserved in MySQL). */
  protected readonly keyColumn: string;
  abstract readonly dialect: SqlDialectName;
  readonly #sweeper: ExpirySweeper;

  constructor(driver: SqlDriver, dialect: SqlDialectName, options: SqlStoreOptions = {}) {
    this.tablePrefix = checkTablePrefix(options.tablePrefix);
    this.driver = driver;
    this.tables = tableNames(dialect, this.tablePrefix);
    this.#sessionAndUserSql = sessionAndUserSql(this.tables);
    this.#userSql = `SELECT id, attributes, created_at FROM ${this.tables.user} WHERE id = ?`;
    this.keyColumn = quoteIdentifier(dialect, 'key');
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
      await db.run(
        `INSERT INTO ${this.tables.account} (${ACCOUNT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        accountValues(account),
      );
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
      await db.run(
        `INSERT INTO ${this.tables.session} (${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        sessionValues(session),
      );
    } catch (error) {
      if (this.isForeignKeyViolation(error)) throw userNotFound(error);
      throw error;
    }
  }

  async createUser(user: UserRow, account?: AccountRow, session?: SessionRow): Promise<void> {
    try {
      await this.driver.transaction(async (tx) => {
        await tx.run(
          `INSERT INTO ${this.tables.user} (id, attributes, created_at) VALUES (?, ?, ?)`,
          [user.id, user.attributes, user.createdAt],
        );
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

  /** On every validation of a session kept elsewhere (Redis): a `then`, its text made once. */
  getUser(userId: string): Promise<UserRow | null> {
    return this.driver.run(this.#userSql, [userId]).then(firstUser, (error) => {
      throw this.fail('getUser', error);
    });
  }

  async getUserByAccount(key: Required<AccountKey>): Promise<UserRow | null> {
    const row = await this.#one(
      'getUserByAccount',
      `SELECT u.id, u.attributes, u.created_at FROM ${this.tables.account} a JOIN ${this.tables.user} u ON u.id = a.user_id WHERE a.provider_id = ? AND a.issuer = ? AND a.provider_user_id = ?`,
      keyValues(key),
    );
    return row ? toUser(row) : null;
  }

  async updateUserAttributes(userId: string, attributes: string): Promise<boolean> {
    const sql = `UPDATE ${this.tables.user} SET attributes = ? WHERE id = ?`;
    if ((await this.#write('updateUserAttributes', sql, [attributes, userId])) > 0) return true;
    // MySQL without CLIENT_FOUND_ROWS reports 0 for an unchanged row: ask whether it exists.
    return (await this.getUser(userId)) !== null;
  }

  async deleteUser(userId: string): Promise<void> {
    await this.#write('deleteUser', `DELETE FROM ${this.tables.user} WHERE id = ?`, [userId]);
  }

  async linkAccount(account: AccountRow): Promise<void> {
    try {
      await this.#insertAccount(this.driver, account);
    } catch (error) {
      throw this.fail('linkAccount', error);
    }
  }

  async unlinkAccount(key: Required<AccountKey>): Promise<boolean> {
    const sql = `DELETE FROM ${this.tables.account} WHERE ${ACCOUNT_KEY}`;
    return (await this.#write('unlinkAccount', sql, keyValues(key))) > 0;
  }

  async getAccount(key: Required<AccountKey>): Promise<AccountRow | null> {
    const row = await this.#one(
      'getAccount',
      `SELECT ${ACCOUNT_COLUMNS} FROM ${this.tables.account} WHERE ${ACCOUNT_KEY}`,
      keyValues(key),
    );
    return row ? toAccount(row) : null;
  }

  async getUserAccounts(userId: string): Promise<AccountRow[]> {
    try {
      const { rows } = await this.driver.run(
        `SELECT ${ACCOUNT_COLUMNS} FROM ${this.tables.account} WHERE user_id = ? ORDER BY created_at, provider_id, issuer, provider_user_id`,
        [userId],
      );
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
      const { rows } = await this.driver.run(
        `SELECT ${ACCOUNT_COLUMNS} FROM ${this.tables.account} WHERE tokens IS NOT NULL AND (provider_id, issuer, provider_user_id) > (?, ?, ?) ORDER BY provider_id, issuer, provider_user_id LIMIT ${Math.max(1, Math.trunc(limit))}`,
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
    // The version bump makes every successful write change the row, so the count is exact.
    const sql = `UPDATE ${this.tables.account} SET tokens = ?, needs_reauth = ?, tokens_version = tokens_version + 1 WHERE ${ACCOUNT_KEY} AND tokens_version = ?`;
    const { expectedVersion, tokens, needsReauth } = update;
    const params = [tokens, needsReauth, ...keyValues(key), expectedVersion];
    return (await this.#write('updateAccountTokens', sql, params)) === 1;
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
      .run(this.#sessionAndUserSql, [sessionId])
      .then(firstSessionAndUser, (error) => {
        throw this.fail('getSessionAndUser', error);
      });
  }

  async updateSessionExpiry(
    sessionId: string,
    expiresAt: number,
    lastSeenAt: number,
  ): Promise<void> {
    const sql = `UPDATE ${this.tables.session} SET expires_at = ?, last_seen_at = ? WHERE id = ?`;
    await this.#write('updateSessionExpiry', sql, [expiresAt, lastSeenAt, sessionId]);
  }

  async getUserSessions(userId: string): Promise<SessionRow[]> {
    try {
      const { rows } = await this.driver.run(
        `SELECT ${SESSION_COLUMNS} FROM ${this.tables.session} WHERE user_id = ?`,
        [userId],
      );
      return rows.map(toSession);
    } catch (error) {
      throw this.fail('getUserSessions', error);
    }
  }

  async deleteSession(sessionId: string): Promise<void> {
    const sql = `DELETE FROM ${this.tables.session} WHERE id = ?`;
    await this.#write('deleteSession', sql, [sessionId]);
  }

  async deleteUserSessions(userId: string, exceptSessionId?: string): Promise<void> {
    const base = `DELETE FROM ${this.tables.session} WHERE user_id = ?`;
    if (exceptSessionId === undefined) await this.#write('deleteUserSessions', base, [userId]);
    else await this.#write('deleteUserSessions', `${base} AND id <> ?`, [userId, exceptSessionId]);
  }

  async getTemp(kind: string, key: string): Promise<string | null> {
    const row = await this.#one(
      'getTemp',
      `SELECT value FROM ${this.tables.temp} WHERE kind = ? AND ${this.keyColumn} = ? AND expires_at > ?`,
      [kind, key, this.now()],
    );
    return row ? (row.value as string) : null;
  }

  async deleteTemp(kind: string, key: string): Promise<void> {
    const sql = `DELETE FROM ${this.tables.temp} WHERE kind = ? AND ${this.keyColumn} = ?`;
    await this.#write('deleteTemp', sql, [kind, key]);
  }

  async deleteExpired(now: number): Promise<number> {
    const t = this.tables;
    // `expires_at` alone, through its index: the idle expiry never passes the absolute one (see
    // SessionRow), so a session past either has `expires_at <= now`. An `OR absolute_expires_at`
    // would make PostgreSQL and MariaDB scan the whole table.
    const sessions = await this.#write(
      'deleteExpired',
      `DELETE FROM ${t.session} WHERE expires_at <= ?`,
      [now],
    );
    await this.#write('deleteExpired', `DELETE FROM ${t.temp} WHERE expires_at <= ?`, [now]);
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
