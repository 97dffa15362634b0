// The rows the store contract moves. Values are plain: the core owns ids, hashing, expiry policy
// and JSON; a store only persists and looks up. Times are milliseconds since the epoch.

/** A user row. `attributes` is the app's JSON object, stored as text. */
export interface UserRow {
  id: string;
  attributes: string;
  createdAt: number;
}

/** A provider account linked to a user, keyed by (providerId, issuer, providerUserId). */
export interface AccountRow {
  userId: string;
  providerId: string;
  /** The provider's issuer identifier; `''` where the provider has none. */
  issuer: string;
  providerUserId: string;
  createdAt: number;
  /** Sealed provider token set (see the token vault), or `null`. */
  tokens: string | null;
  /** Bumped on every token write, for compare-and-swap between processes. */
  tokensVersion: number;
  /** Set when the provider refused a refresh; the person must sign in again. */
  needsReauth: boolean;
}

/** A session row. Only a SHA-256 of the session secret is ever stored. */
export interface SessionRow {
  id: string;
  userId: string;
  secretHash: Uint8Array;
  createdAt: number;
  /** Last time the session was renewed (the last-seen time, at renewal-interval granularity). */
  lastSeenAt: number;
  /**
   * Idle expiry: moves forward on renewal but never past `absoluteExpiresAt`. Stores rely on
   * `expiresAt <= absoluteExpiresAt`: `deleteExpired` looks at `expiresAt` alone (one index).
   */
  expiresAt: number;
  absoluteExpiresAt: number;
  /** The app's session attributes (JSON text), e.g. user agent. */
  attributes: string;
}

/** A session with the user it belongs to: what the hot-path lookup returns. */
export interface SessionAndUser {
  session: SessionRow;
  user: UserRow;
}

/** The result of a store call: synchronous stores (SQLite) may answer without a promise. */
export type MaybePromise<T> = T | Promise<T>;
