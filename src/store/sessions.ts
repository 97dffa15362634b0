import type { MaybePromise, SessionAndUser, SessionRow } from './rows.ts';

/**
 * Server-side sessions. A session belongs to a user of the users part: creating one for a
 * missing user throws `LatchkeyError` `user_not_found` (or `StoreError`); other failures throw
 * `StoreError` with the driver's error as `cause`.
 */
export interface SessionStore {
  createSession(session: SessionRow): Promise<void>;
  /**
   * The hot path: one prepared lookup of the session joined to its user, `null` when either is
   * missing. A store that can answer synchronously (SQLite) returns the value itself, so
   * validation costs no promise hop.
   */
  getSessionAndUser(sessionId: string): MaybePromise<SessionAndUser | null>;
  /** Moves the idle expiry and the last-seen time of a live session; unknown ids are ignored. */
  updateSessionExpiry(sessionId: string, expiresAt: number, lastSeenAt: number): Promise<void>;
  /** The user's sessions, in any order (the core filters and sorts). */
  getUserSessions(userId: string): Promise<SessionRow[]>;
  deleteSession(sessionId: string): Promise<void>;
  /** Deletes all of a user's sessions, except `exceptSessionId` when given. */
  deleteUserSessions(userId: string, exceptSessionId?: string): Promise<void>;
}
