// The one contract between latchkey's core and storage. Every store passes the same
// conformance suite (test/store-conformance.ts) on its real engine. Values are plain rows:
// the core owns ids, hashing, expiry policy and JSON; a store only persists and looks up.

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
  /** Idle expiry: moves forward on renewal but never past `absoluteExpiresAt`. */
  expiresAt: number;
  absoluteExpiresAt: number;
  /** The app's session attributes (JSON text), e.g. user agent. */
  attributes: string;
}

export interface SessionAndUser {
  session: SessionRow;
  user: UserRow;
}

/** The result of a store call: synchronous stores (SQLite) may answer without a promise. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Everything latchkey asks of storage. Times are milliseconds since the epoch. Methods that
 * create rows run in one transaction and throw `AccountExistsError` on a duplicate account,
 * `StoreError` (driver error as `cause`) on any other failure, leaving no partial rows.
 */
export interface Store {
  /** Creates a user, optionally with its first account and first session, atomically. */
  createUser(user: UserRow, account?: AccountRow, session?: SessionRow): Promise<void>;
  getUser(userId: string): Promise<UserRow | null>;
  getUserByAccount(
    providerId: string,
    issuer: string,
    providerUserId: string,
  ): Promise<UserRow | null>;
  /** Replaces the user's attributes; `false` when no such user. */
  updateUserAttributes(userId: string, attributes: string): Promise<boolean>;
  /** Deletes the user with its accounts and sessions. */
  deleteUser(userId: string): Promise<void>;

  linkAccount(account: AccountRow): Promise<void>;
  unlinkAccount(providerId: string, issuer: string, providerUserId: string): Promise<boolean>;
  getAccount(
    providerId: string,
    issuer: string,
    providerUserId: string,
  ): Promise<AccountRow | null>;
  getUserAccounts(userId: string): Promise<AccountRow[]>;
  /**
   * One page of the accounts that hold sealed tokens, in (providerId, issuer, providerUserId)
   * order, strictly after `after` (`null` for the first page) — for re-encrypting every
   * account's tokens under a new key.
   */
  listAccountsWithTokens(
    after: { providerId: string; issuer: string; providerUserId: string } | null,
    limit: number,
  ): Promise<AccountRow[]>;
  /**
   * Writes the account's sealed tokens if its `tokensVersion` still equals `expectedVersion`
   * (compare-and-swap), bumping the version. Returns `false` when another writer won.
   */
  updateAccountTokens(
    providerId: string,
    issuer: string,
    providerUserId: string,
    expectedVersion: number,
    tokens: string | null,
    needsReauth: boolean,
  ): Promise<boolean>;

  createSession(session: SessionRow): Promise<void>;
  /** The hot path: one prepared lookup of the session joined to its user. */
  getSessionAndUser(sessionId: string): MaybePromise<SessionAndUser | null>;
  updateSessionExpiry(sessionId: string, expiresAt: number, lastSeenAt: number): Promise<void>;
  getUserSessions(userId: string): Promise<SessionRow[]>;
  deleteSession(sessionId: string): Promise<void>;
  /** Deletes all of a user's sessions, except `exceptSessionId` when given. */
  deleteUserSessions(userId: string, exceptSessionId?: string): Promise<void>;

  /**
   * Temporary records (flow state, one-time codes, device codes, leases, rate-limit counters):
   * `kind` is a keyspace, so a key of one kind is never found as another. Expired records are
   * never returned.
   */
  setTemp(kind: string, key: string, value: string, expiresAt: number): Promise<void>;
  /** Inserts only when no live record exists; `true` when this call inserted. */
  addTemp(kind: string, key: string, value: string, expiresAt: number): Promise<boolean>;
  getTemp(kind: string, key: string): Promise<string | null>;
  /** Atomically reads and deletes a live record: of two concurrent calls only one gets it. */
  takeTemp(kind: string, key: string): Promise<string | null>;
  deleteTemp(kind: string, key: string): Promise<void>;
  /**
   * Atomically increments a counter, creating it with `expiresAt` when absent or expired.
   * Returns the new count and the window's expiry.
   */
  incrementCounter(
    kind: string,
    key: string,
    expiresAt: number,
  ): Promise<{ count: number; expiresAt: number }>;

  /** Deletes expired sessions and temporary records; returns how many sessions went. */
  deleteExpired(now: number): Promise<number>;
  /** Releases connections the store opened itself (never a client the app passed in). */
  close(): Promise<void>;
}
