// MySQL 8 / MariaDB 10.5+ over `mysql2/promise`: a driver adapter and the statements MySQL
// spells its own way (ON DUPLICATE KEY UPDATE, SELECT ... FOR UPDATE, GET_LOCK). Statements with
// parameters go through `execute` (server-side prepared), so a driver error never carries the
// values inlined into its `sql` text.
import mysql from 'mysql2/promise';
import {
  SqlStore,
  type SqlDriver,
  type SqlExecutor,
  type SqlResult,
  type SqlStoreOptions,
} from './sql-store.ts';
import { rowValues } from './sql-rows.ts';

/** A value latchkey binds to a MySQL statement. */
export type MysqlValue = string | number | boolean | null | Buffer;

/** The few `mysql2/promise` connection methods latchkey uses. */
export interface MysqlQueryable {
  query(sql: string): Promise<[unknown, unknown]>;
  execute(sql: string, values: MysqlValue[]): Promise<[unknown, unknown]>;
}

/** A pooled `mysql2/promise` connection, as far as latchkey uses it. */
export interface MysqlPoolConnectionLike extends MysqlQueryable {
  beginTransaction(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  release(): void;
}

/** The few `mysql2/promise` `Pool` methods latchkey uses: pass the app's own pool to share it. */
export interface MysqlPoolLike extends MysqlQueryable {
  getConnection(): Promise<MysqlPoolConnectionLike>;
  end(): Promise<void>;
  /**
   * The callback pool a `mysql2/promise` pool wraps. When present, statements outside
   * transactions go through it (see `callbackExecutor`).
   */
  readonly pool?: unknown;
}

/** mysql2's callback `Pool`, as far as latchkey uses it. */
interface MysqlCallbackPool {
  execute(
    sql: string | { sql: string; rowsAsArray: true },
    values: MysqlValue[],
    done: (error: unknown, result: unknown) => void,
  ): void;
  query(sql: string, done: (error: unknown, result: unknown) => void): void;
}

/** Options of {@link mysqlStore}. */
export type MysqlStoreOptions = SqlStoreOptions;

const ER_DUP_ENTRY = 1062;
const ER_NO_REFERENCED_ROW_2 = 1452;
const ER_LOCK_DEADLOCK = 1213;

const errnoOf = (error: unknown): unknown => (error as { errno?: unknown } | null)?.errno;

function bind(params: readonly unknown[]): MysqlValue[] {
  return params.map((v) =>
    v instanceof Uint8Array && !Buffer.isBuffer(v)
      ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
      : (v as MysqlValue),
  );
}

/** A statement's outcome from mysql2's answer: rows for a query, else the affected-row count. */
function toResult(result: unknown): SqlResult {
  if (Array.isArray(result)) return { rows: result as Record<string, unknown>[], affected: 0 };
  const affected = (result as { affectedRows?: number } | null)?.affectedRows ?? 0;
  return { rows: [], affected };
}

function executor(conn: MysqlQueryable): SqlExecutor {
  return {
    async run(sql: string, params?: readonly unknown[]): Promise<SqlResult> {
      const [result] =
        params && params.length > 0 ? await conn.execute(sql, bind(params)) : await conn.query(sql);
      return toResult(result);
    },
  };
}

/** The callback pool under a `mysql2/promise` pool, or `null` for any other pool. */
function callbackPoolOf(pool: MysqlPoolLike): MysqlCallbackPool | null {
  const core = pool.pool as Partial<MysqlCallbackPool> | null | undefined;
  return typeof core?.execute === 'function' && typeof core.query === 'function'
    ? (core as MysqlCallbackPool)
    : null;
}

// mysql2's promise API captures a stack trace on every call (its `trace` option, on by
// default), which cost about a fifth of a session read's time in bench/stores.ts. latchkey
// wraps every driver error in its own StoreError, whose stack names the caller, so statements
// outside transactions go through the callback pool underneath and skip that capture.
function callbackExecutor(core: MysqlCallbackPool): SqlExecutor {
  return {
    run(sql: string, params?: readonly unknown[]): Promise<SqlResult> {
      return new Promise((resolve, reject) => {
        const done = (error: unknown, result: unknown) =>
          error ? reject(error) : resolve(toResult(result));
        if (params && params.length > 0) core.execute(sql, bind(params), done);
        else core.query(sql, done);
      });
    },
  };
}

function mysqlDriver(pool: MysqlPoolLike, owned: boolean): SqlDriver {
  async function once<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const conn = await pool.getConnection();
    try {
      await conn.beginTransaction();
      try {
        const result = await fn(executor(conn));
        await conn.commit();
        return result;
      } catch (error) {
        await conn.rollback().catch(() => undefined);
        throw error;
      }
    } finally {
      conn.release();
    }
  }
  const core = callbackPoolOf(pool);
  const run = (core ? callbackExecutor(core) : executor(pool)).run;
  return {
    run,
    firstRow: core
      ? (sql, params) =>
          new Promise((resolve, reject) => {
            // Rows as arrays: mysql2 builds no keyed object per row.
            core.execute({ sql, rowsAsArray: true }, bind(params), (error, result) =>
              error ? reject(error) : resolve((result as unknown[][])[0]),
            );
          })
      : (sql, params) => run(sql, params).then((result) => rowValues(result.rows[0])),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      // InnoDB may pick a transaction as a deadlock victim (concurrent upserts of one new key);
      // it was rolled back whole, so running it again is safe.
      for (let attempt = 1; ; attempt++) {
        try {
          return await once(fn);
        } catch (error) {
          if (errnoOf(error) !== ER_LOCK_DEADLOCK || attempt >= 5) throw error;
        }
      }
    },
    async pinned<T>(fn: (conn: SqlExecutor) => Promise<T>): Promise<T> {
      const conn = await pool.getConnection();
      try {
        return await fn(executor(conn));
      } finally {
        conn.release();
      }
    },
    async close(): Promise<void> {
      if (owned) await pool.end();
    },
  };
}

/** A {@link Store} on MySQL 8 or MariaDB 10.5+ (InnoDB, utf8mb4). */
export class MysqlStore extends SqlStore {
  readonly dialect = 'mysql' as const;
  protected readonly transactionalDdl = false;

  /** @throws TypeError on a bad `tablePrefix`. */
  constructor(connectionStringOrPool: string | MysqlPoolLike, options?: MysqlStoreOptions) {
    const owned = typeof connectionStringOrPool === 'string';
    const pool = owned
      ? (mysql.createPool({
          // mysql2 reads `mysql://`; `mariadb://` is the same wire protocol.
          uri: connectionStringOrPool.replace(/^mariadb:/, 'mysql:'),
          charset: 'utf8mb4',
        }) as unknown as MysqlPoolLike)
      : connectionStringOrPool;
    super(mysqlDriver(pool, owned), 'mysql', options);
  }

  protected isUniqueViolation(error: unknown): boolean {
    return errnoOf(error) === ER_DUP_ENTRY;
  }

  // A single-table DELETE takes LIMIT; the limit is inlined (a bound LIMIT is refused by some
  // servers when the driver sends the number as a double).
  protected async sweepTemps(now: number, limit: number): Promise<number> {
    const { affected } = await this.driver.run(
      `DELETE FROM ${this.tables.temp} WHERE expires_at <= ? LIMIT ${Math.trunc(limit)}`,
      [now],
    );
    return affected;
  }

  protected isForeignKeyViolation(error: unknown): boolean {
    return errnoOf(error) === ER_NO_REFERENCED_ROW_2;
  }

  protected async withMigrationLock<T>(fn: (conn: SqlExecutor) => Promise<T>): Promise<T> {
    return this.driver.pinned(async (conn) => {
      const lock = `latchkey_migrate:${this.tablePrefix}`;
      const { rows } = await conn.run('SELECT GET_LOCK(?, 60) AS got', [lock]);
      if (Number(rows[0]?.got) !== 1) throw new Error('timed out waiting for the migration lock');
      try {
        return await fn(conn);
      } finally {
        await conn.run('SELECT RELEASE_LOCK(?) AS released', [lock]);
      }
    });
  }

  async setTemp(kind: string, key: string, value: string, expiresAt: number): Promise<void> {
    try {
      await this.driver.run(
        `INSERT INTO ${this.tables.temp} (kind, \`key\`, value, expires_at) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value), expires_at = VALUES(expires_at)`,
        [kind, key, value, expiresAt],
      );
    } catch (error) {
      throw this.fail('setTemp', error);
    }
    await this.afterTempWrite();
  }

  async addTemp(kind: string, key: string, value: string, expiresAt: number): Promise<boolean> {
    const t = this.tables.temp;
    try {
      // Each statement is atomic: clear an expired record, then a plain insert that a live
      // record (ours or a concurrent caller's) turns into a duplicate-key refusal.
      await this.driver.run(`DELETE FROM ${t} WHERE kind = ? AND \`key\` = ? AND expires_at <= ?`, [
        kind,
        key,
        this.now(),
      ]);
      await this.driver.run(
        `INSERT INTO ${t} (kind, \`key\`, value, expires_at) VALUES (?, ?, ?, ?)`,
        [kind, key, value, expiresAt],
      );
    } catch (error) {
      if (this.isUniqueViolation(error)) return false;
      throw this.fail('addTemp', error);
    }
    await this.afterTempWrite();
    return true;
  }

  async takeTemp(kind: string, key: string): Promise<string | null> {
    const t = this.tables.temp;
    try {
      const row = await this.driver.transaction(async (tx) => {
        // The row lock makes a second taker wait, then find nothing.
        const { rows } = await tx.run(
          `SELECT value, expires_at FROM ${t} WHERE kind = ? AND \`key\` = ? FOR UPDATE`,
          [kind, key],
        );
        if (rows[0]) await tx.run(`DELETE FROM ${t} WHERE kind = ? AND \`key\` = ?`, [kind, key]);
        return rows[0];
      });
      if (!row || Number(row.expires_at) <= this.now()) return null;
      return row.value as string;
    } catch (error) {
      throw this.fail('takeTemp', error);
    }
  }

  async incrementCounter(
    kind: string,
    key: string,
    expiresAt: number,
  ): Promise<{ count: number; expiresAt: number }> {
    const t = this.tables.temp;
    const now = this.now();
    let counted: { count: number; expiresAt: number };
    try {
      counted = await this.driver.transaction(async (tx) => {
        // Assignments run left to right: `value` is computed while `expires_at` is still old.
        await tx.run(
          `INSERT INTO ${t} (kind, \`key\`, value, expires_at) VALUES (?, ?, '1', ?) ON DUPLICATE KEY UPDATE value = IF(expires_at <= ?, '1', CAST(value AS UNSIGNED) + 1), expires_at = IF(expires_at <= ?, VALUES(expires_at), expires_at)`,
          [kind, key, expiresAt, now, now],
        );
        const { rows } = await tx.run(
          `SELECT value, expires_at FROM ${t} WHERE kind = ? AND \`key\` = ? FOR UPDATE`,
          [kind, key],
        );
        const row = rows[0]!;
        return { count: Number(row.value), expiresAt: Number(row.expires_at) };
      });
    } catch (error) {
      throw this.fail('incrementCounter', error);
    }
    if (counted.count === 1) await this.afterTempWrite();
    return counted;
  }
}

/**
 * Opens a MySQL/MariaDB store on a connection string (`mysql://` or `mariadb://`; the store owns
 * and ends that pool) or on the app's own `mysql2/promise` pool (never ended by the store). Call
 * `await store.migrate()` once at startup or run `latchkey migrate`.
 * @throws TypeError on a bad `tablePrefix`.
 * @see https://sidorares.github.io/node-mysql2/docs
 */
export function mysqlStore(
  connectionStringOrPool: string | MysqlPoolLike,
  options?: MysqlStoreOptions,
): MysqlStore {
  return new MysqlStore(connectionStringOrPool, options);
}
