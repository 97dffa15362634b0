import type { SessionChannelPart } from './channel.ts';
import type { AccountRow, SessionRow, UserRow } from './rows.ts';
import type { SessionStore } from './sessions.ts';
import type { ShortLivedStore } from './short-lived.ts';
import type { UserStore } from './users.ts';

/** What an engine keeping expiring records or connections provides besides its data. */
export interface StoreHousekeeping {
  /**
   * Deletes the expired sessions and short-lived records this store keeps (records the engine
   * expires by itself need nothing); returns how many sessions went.
   */
  deleteExpired(now: number): Promise<number>;
  /** Releases connections the store opened itself (never a client the app passed in). */
  close(): Promise<void>;
}

/**
 * Everything latchkey asks of storage: every part, kept by one engine (memory, SQLite,
 * PostgreSQL, MySQL) or assembled from parts by `composeStore`; the session channel where the
 * engine has one.
 */
export interface Store
  extends UserStore, SessionStore, ShortLivedStore, StoreHousekeeping, SessionChannelPart {
  /**
   * Creates a user, optionally with its first account and first session, atomically: a first
   * sign-in leaves all of its rows or none.
   */
  createUser(user: UserRow, account?: AccountRow, session?: SessionRow): Promise<void>;
}
