// Assembles a whole store from parts kept by different engines — e.g. users and accounts in
// PostgreSQL, sessions and short-lived records in Redis. Each call goes to the part that owns
// its concern; the two operations that span parts (a first sign-in, deleting a user) are
// written here once.
import { invalidArgument, StoreError } from '../core/errors.ts';
import type { SessionChannelPart } from './channel.ts';
import type { SessionStore } from './sessions.ts';
import type { ShortLivedStore } from './short-lived.ts';
import type { Store, StoreHousekeeping } from './store.ts';
import type { UserStore } from './users.ts';

/** The parts {@link composeStore} assembles into a whole {@link Store}. */
export interface StoreParts {
  /** Users and accounts: the app's durable database, never purged or closed by the whole. */
  users: UserStore;
  /** Sessions. A part kept apart from `users` looks each session's user up there itself. */
  sessions: SessionStore & StoreHousekeeping & SessionChannelPart;
  /** Short-lived records and counters; may be the same object as `sessions`. */
  shortLived: ShortLivedStore & StoreHousekeeping;
}

/**
 * A {@link Store} whose calls go to the part that owns each concern. A first sign-in writes the
 * user and account in `users`, then the session in `sessions`; if the session write fails the
 * user is deleted again (compensation) and `StoreError` is thrown with the session part's error
 * as `cause`, so a retry starts from nothing. `deleteExpired` and `close` reach `sessions` and
 * `shortLived` (each once), never `users`. The session channel, if any, is the `sessions` part's.
 * @throws TypeError when a part is missing.
 */
export function composeStore(parts: StoreParts): Store {
  for (const name of ['users', 'sessions', 'shortLived'] as const) {
    if (typeof parts?.[name] !== 'object' || parts[name] === null) {
      invalidArgument(name, 'store part is required');
    }
  }
  const { users, sessions, shortLived } = parts;
  // One engine keeping sessions and short-lived records is purged and closed once.
  const oneEngine = (shortLived as object) === sessions;
  return {
    ...(sessions.sessionChannel ? { sessionChannel: sessions.sessionChannel } : {}),
    async createUser(user, account, session) {
      await users.createUser(user, account);
      if (!session) return;
      try {
        await sessions.createSession(session);
      } catch (error) {
        await users.deleteUser(user.id).catch(() => undefined);
        throw new StoreError('createUser', {
          cause: error instanceof StoreError ? error.cause : error,
        });
      }
    },
    getUser: (userId) => users.getUser(userId),
    getUserByAccount: (key) => users.getUserByAccount(key),
    updateUserAttributes: (userId, attributes) => users.updateUserAttributes(userId, attributes),
    /** Deletes the user with its accounts, then its sessions (orphans would never resolve). */
    async deleteUser(userId) {
      await users.deleteUser(userId);
      await sessions.deleteUserSessions(userId);
    },
    linkAccount: (account) => users.linkAccount(account),
    unlinkAccount: (key) => users.unlinkAccount(key),
    getAccount: (key) => users.getAccount(key),
    getUserAccounts: (userId) => users.getUserAccounts(userId),
    listAccountsWithTokens: (after, limit) => users.listAccountsWithTokens(after, limit),
    updateAccountTokens: (key, update) => users.updateAccountTokens(key, update),

    createSession: (session) => sessions.createSession(session),
    // The hot path: passed straight through, so a synchronous part stays synchronous.
    getSessionAndUser: (sessionId) => sessions.getSessionAndUser(sessionId),
    updateSessionExpiry: (sessionId, expiresAt, lastSeenAt) =>
      sessions.updateSessionExpiry(sessionId, expiresAt, lastSeenAt),
    getUserSessions: (userId) => sessions.getUserSessions(userId),
    deleteSession: (sessionId) => sessions.deleteSession(sessionId),
    deleteUserSessions: (userId, except) => sessions.deleteUserSessions(userId, except),

    setTemp: (kind, key, value, expiresAt) => shortLived.setTemp(kind, key, value, expiresAt),
    addTemp: (kind, key, value, expiresAt) => shortLived.addTemp(kind, key, value, expiresAt),
    getTemp: (kind, key) => shortLived.getTemp(kind, key),
    takeTemp: (kind, key) => shortLived.takeTemp(kind, key),
    deleteTemp: (kind, key) => shortLived.deleteTemp(kind, key),
    incrementCounter: (kind, key, expiresAt) => shortLived.incrementCounter(kind, key, expiresAt),

    async deleteExpired(now) {
      const purged = await sessions.deleteExpired(now);
      if (!oneEngine) await shortLived.deleteExpired(now);
      return purged;
    },
    async close() {
      await sessions.close();
      if (!oneEngine) await shortLived.close();
    },
  };
}
