// The session channel on PostgreSQL: NOTIFY through the pool, LISTEN on one dedicated client
// taken from the same pool (reopened when it breaks).
import { StoreError } from '../core/errors.ts';
import { encodeInvalidation, type SessionInvalidation } from '../store/channel.ts';
import type { PgPoolLike } from './postgres-store.ts';
import { StoreChannel, type OpenListener } from './store-channel.ts';

/** The `pg` client events the listener needs (a `pg.PoolClient`). */
interface PgListeningClient {
  query(config: { text: string }): Promise<unknown>;
  on(event: 'notification', fn: (n: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error' | 'end', fn: () => void): unknown;
  release(destroy?: Error | boolean): void;
}

/**
 * Session invalidations over PostgreSQL `LISTEN`/`NOTIFY` on channel `name` (an identifier of
 * `[a-z0-9_]`, at most 63 characters). Holds one pool connection while listening.
 * @see https://www.postgresql.org/docs/current/sql-notify.html
 */
export class PostgresSessionChannel extends StoreChannel {
  readonly #pool: PgPoolLike;
  readonly name: string;

  /** @throws TypeError on a bad channel name. */
  constructor(pool: PgPoolLike, name: string) {
    super();
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
      throw new TypeError('latchkey: the channel name must match /^[a-z_][a-z0-9_]{0,62}$/');
    }
    this.#pool = pool;
    this.name = name;
  }

  async publish(message: SessionInvalidation): Promise<void> {
    try {
      await this.#pool.query({
        text: 'SELECT pg_notify($1, $2)',
        values: [this.name, encodeInvalidation(message)],
      });
    } catch (error) {
      throw new StoreError('publish', { cause: error });
    }
  }

  protected readonly open: OpenListener = async (deliver, lost) => {
    const client = (await this.#pool.connect()) as unknown as PgListeningClient;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      // Destroyed, never returned to the pool: it is still listening (or broken).
      client.release(true);
    };
    client.on('notification', (n) => {
      if (n.channel === this.name && n.payload !== undefined) deliver(n.payload);
    });
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.query({ text: `LISTEN "${this.name}"` });
    } catch (error) {
      release();
      throw error;
    }
    return { close: release };
  };
}
