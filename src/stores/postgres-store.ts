// PostgreSQL over `pg`: a driver adapter and the statements whose syntax is Postgres's own
// (DELETE ... RETURNING, ON CONFLICT ... WHERE, advisory locks).
import { createHash } from 'node:crypto';
import pg from 'pg';
import { PostgresSessionChannel } from './postgres-channel.ts';
import { rowValues } from './sql-rows.ts';
import {
  SqlStore,
  type SqlDriver,
  type SqlExecutor,
  type SqlResult,
  type SqlStoreOptions,
} from './sql-store.ts';

/** The few `pg` client methods latchkey uses (a `pg.Pool`, `pg.Client` or `pg.PoolClient`). */
export interface PgQueryable {
  query(config: {
    text: string;
    values?: unknown[];
    name?: string;
    rowMode?: 'array';
  }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/** The few `pg.Pool` methods latchkey uses: pass the app's own pool to share it. */
export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgQueryable & { release(destroy?: Error | boolean): void }>;
  end(): Promise<void>;
}

/** Options of {@link postgresStore}. */
export type PostgresStoreOptions = SqlStoreOptions;

// `?` placeholders become `$1..$n` once per statement text; statements with parameters are
// named (by a hash of their text) so each pooled connection prepares them once.
const converted = new Map<string, { text: string; name: string }>();

function convert(sql: string): { text: string; name: string } {
  let hit = converted.get(sql);
  if (hit === undefined) {
    let n = 0;
    const text = sql.replace(/\?/g, () => `$${++n}`);
    const name = `latchkey_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    hit = { text, name };
    converted.set(sql, hit);
  }
  return hit;
}

function bind(params: readonly unknown[]): unknown[] {
  return params.map((v) =>
    v instanceof Uint8Array && !Buffer.isBuffer(v)
      ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
      : v,
  );
}

function executor(client: PgQueryable): SqlExecutor {
  return {
    async run(sql: string, params?: readonly unknown[]): Promise<SqlResult> {
      const result =
        params && params.length > 0
          ? await client.query({ ...convert(sql), values: bind(params) })
          : await client.query({ text: sql });
      return { rows: result.rows as Record<string, unknown>[], affected: result.rowCount ?? 0 };
    },
  };
}

/** The session lookup's read: rows as arrays, so pg builds no keyed object per row. */
function firstRowReader(pool: PgPoolLike): SqlDriver['firstRow'] {
  if (pool instanceof pg.Pool) {
    // pg's callback form: no promise wrapper (and its rejection handler) around each query.
    const callbackPool = pool as pg.Pool;
    return (sql, params) =>
      new Promise((resolve, reject) => {
        const query = { ...convert(sql), values: bind(params), rowMode: 'array' as const };
        callbackPool.query(query, (error: Error | undefined, result: pg.QueryArrayResult) =>
          error ? reject(error) : resolve(result.rows[0]),
        );
      });
  }
  return (sql, params) =>
    pool
      .query({ ...convert(sql), values: bind(params), rowMode: 'array' })
      .then((result) => rowValues(result.rows[0]));
}

function pgDriver(pool: PgPoolLike, owned: boolean): SqlDriver {
  const run = executor(pool).run;
  return {
    run,
    firstRow: firstRowReader(pool),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query({ text: 'BEGIN' });
        const result = await fn(executor(client));
        await client.query({ text: 'COMMIT' });
        return result;
      } catch (error) {
        await client.query({ text: 'ROLLBACK' }).catch((e: unknown) => {
          broken = e instanceof Error ? e : new Error('rollback failed');
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async pinned<T>(fn: (conn: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        return await fn(executor(client));
      } finally {
        client.release();
      }
    },
    async close(): Promise<void> {
      if (owned) await pool.end();
    },
  };
}

const codeOf = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/** A {@link Store} on PostgreSQL (9.5+ for ON CONFLICT; tested on 15). */
export class PostgresStore extends SqlStore {
  readonly dialect = 'postgres' as const;
  protected readonly transactionalDdl = true;
  readonly #pool: PgPoolLike;
  #channel: PostgresSessionChannel | undefined;

  /** @throws TypeError on a bad `tablePrefix`. */
  constructor(connectionStringOrPool: string | PgPoolLike, options?: PostgresStoreOptions) {
    const owned = typeof connectionStringOrPool === 'string';
    const pool = owned
      ? (new pg.Pool({ connectionString: connectionStringOrPool }) as unknown as PgPoolLike)
      : connectionStringOrPool;
    if (owned) {
      // An idle pooled connection dying (server restart) must not crash the app.
      (pool as unknown as pg.Pool).on('error', () => undefined);
    }
    super(pgDriver(pool, owned), 'postgres', options);
    this.#pool = pool;
  }

  /**
   * Session invalidations between the processes sharing this database: `NOTIFY` through the
   * pool, `LISTEN` (once something subscribes) on one pool connection. Channel
   * `<tablePrefix>sessions`, so stores on other prefixes never hear each other.
   */
  get sessionChannel(): PostgresSessionChannel {
    return (this.#channel ??= new PostgresSessionChannel(
      this.#pool,
      `${this.tablePrefix}sessions`,
    ));
  }

  /** Stops the session channel's listener, then ends the pool when the store owns it. */
  override async close(): Promise<void> {
    await this.#channel?.close();
    await super.close();
  }

  protected isUniqueViolation(error: unknown): boolean {
    return codeOf(error) === '23505';
  }

  // PostgreSQL has no DELETE … LIMIT: the batch is picked through the expires_at index. The
  // outer `expires_at` test is re-checked on a row a concurrent write just renewed, so a record
  // re-added meanwhile is never swept.
  protected async sweepTemps(now: number, limit: number): Promise<number> {
    const t = this.tables.temp;
    const { affected } = await this.driver.run(
      `DELETE FROM ${t} WHERE expires_at <= ? AND (kind, "key") IN (SELECT kind, "key" FROM ${t} WHERE expires_at <= ? LIMIT ${Math.trunc(limit)})`,
      [now, now],
    );
    return affected;
  }

  protected isForeignKeyViolation(error: unknown): boolean {
    return codeOf(error) === '23503';
  }

  protected async withMigrationLock<T>(fn: (conn: SqlExecutor) => Promise<T>): Promise<T> {
    return this.driver.pinned(async (conn) => {
      const lock = `latchkey_migrate:${this.tablePrefix}`;
      await conn.run('SELECT pg_advisory_lock(hashtext(?))', [lock]);
      try {
        return await fn(conn);
      } finally {
        await conn.run('SELECT pg_advisory_unlock(hashtext(?))', [lock]);
      }
    });
  }

  async setTemp(kind: string, key: string, value: string, expiresAt: number): Promise<void> {
    const t = this.tables.temp;
    try {
      await this.driver.run(
        `INSERT INTO ${t} (kind, "key", value, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (kind, "key") DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
        [kind, key, value, expiresAt],
      );
    } catch (error) {
      throw this.fail('setTemp', error);
    }
    await this.afterTempWrite();
  }

  async addTemp(kind: string, key: string, value: string, expiresAt: number): Promise<boolean> {
    const t = this.tables.temp;
    let added: boolean;
    try {
      // One statement: a live record makes the conflict update's WHERE false (0 rows).
      const { affected } = await this.driver.run(
        `INSERT INTO ${t} AS t (kind, "key", value, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (kind, "key") DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at WHERE t.expires_at <= ?`,
        [kind, key, value, expiresAt, this.now()],
      );
      added = affected > 0;
    } catch (error) {
      throw this.fail('addTemp', error);
    }
    if (added) await this.afterTempWrite();
    return added;
  }

  async takeTemp(kind: string, key: string): Promise<string | null> {
    try {
      const { rows } = await this.driver.run(
        `DELETE FROM ${this.tables.temp} WHERE kind = ? AND "key" = ? RETURNING value, expires_at`,
        [kind, key],
      );
      const row = rows[0];
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
      const { rows } = await this.driver.run(
        `INSERT INTO ${t} AS t (kind, "key", value, expires_at) VALUES (?, ?, '1', ?) ON CONFLICT (kind, "key") DO UPDATE SET value = CASE WHEN t.expires_at <= ? THEN '1' ELSE (t.value::bigint + 1)::text END, expires_at = CASE WHEN t.expires_at <= ? THEN EXCLUDED.expires_at ELSE t.expires_at END RETURNING value, expires_at`,
        [kind, key, expiresAt, now, now],
      );
      const row = rows[0]!;
      counted = { count: Number(row.value), expiresAt: Number(row.expires_at) };
    } catch (error) {
      throw this.fail('incrementCounter', error);
    }
    if (counted.count === 1) await this.afterTempWrite();
    return counted;
  }
}

/**
 * Opens a PostgreSQL store on a connection string (the store owns and ends that pool) or on the
 * app's own `pg.Pool` (never ended by the store). Call `await store.migrate()` once at startup
 * or run `latchkey migrate`.
 * @throws TypeError on a bad `tablePrefix`.
 * @see https://node-postgres.com/apis/pool
 */
export function postgresStore(
  connectionStringOrPool: string | PgPoolLike,
  options?: PostgresStoreOptions,
): PostgresStore {
  return new PostgresStore(connectionStringOrPool, options);
}
