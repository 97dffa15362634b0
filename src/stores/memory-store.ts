import { AccountExistsError, LatchkeyError } from '../core/errors.ts';
import type { AccountKey } from '../core/types.ts';
import type { AccountRow, SessionAndUser, SessionRow, UserRow } from '../store/rows.ts';
import type { AccountTokensUpdate, Store } from '../store.ts';
import { ExpirySweeper } from './expiry-sweep.ts';

const accountKey = (key: Required<AccountKey>): string =>
  JSON.stringify([key.providerId, key.issuer, key.providerUserId]);

/**
 * An in-process store for tests and demos. Every operation is synchronous under the hood, so
 * each call is atomic; rows are copied in and out so callers cannot mutate stored state.
 */
export class MemoryStore implements Store {
  readonly #users = new Map<string, UserRow>();
  readonly #accounts = new Map<string, AccountRow>();
  readonly #sessions = new Map<string, SessionRow>();
  readonly #temps = new Map<string, { value: string; expiresAt: number }>();
  readonly #now: () => number;
  readonly #sweeper: ExpirySweeper;
  /** Where the last sweep stopped: a Map iterator survives deletions and sees new entries. */
  #cursor: Iterator<[string, { expiresAt: number }]> | null = null;

  constructor(options?: { now?: () => number }) {
    this.#now = options?.now ?? Date.now;
    this.#sweeper = new ExpirySweeper((now, limit) => this.#sweepTemps(now, limit), this.#now);
  }

  /**
   * Deletes up to `limit` expired records, looking at no more than four times as many entries,
   * resuming where the last sweep stopped (records that live long do not hide expired ones).
   */
  #sweepTemps(now: number, limit: number): number {
    let deleted = 0;
    for (let seen = 0; seen < 4 * limit && deleted < limit; seen++) {
      this.#cursor ??= this.#temps.entries();
      const next = this.#cursor.next();
      if (next.done) {
        this.#cursor = null;
        break;
      }
      const [key, record] = next.value;
      if (record.expiresAt <= now) {
        this.#temps.delete(key);
        deleted++;
      }
    }
    return deleted;
  }

  async createUser(user: UserRow, account?: AccountRow, session?: SessionRow): Promise<void> {
    if (this.#users.has(user.id)) throw new LatchkeyError('store_error', 'Duplicate user id');
    if (account) {
      const key = accountKey(account);
      if (this.#accounts.has(key)) throw new AccountExistsError(account.providerId);
      this.#accounts.set(key, { ...account });
    }
    this.#users.set(user.id, { ...user });
    if (session) this.#sessions.set(session.id, { ...session });
  }

  async getUser(userId: string): Promise<UserRow | null> {
    const user = this.#users.get(userId);
    return user ? { ...user } : null;
  }

  async getUserByAccount(key: Required<AccountKey>): Promise<UserRow | null> {
    const account = this.#accounts.get(accountKey(key));
    return account ? this.getUser(account.userId) : null;
  }

  async updateUserAttributes(userId: string, attributes: string): Promise<boolean> {
    const user = this.#users.get(userId);
    if (!user) return false;
    user.attributes = attributes;
    return true;
  }

  async deleteUser(userId: string): Promise<void> {
    this.#users.delete(userId);
    for (const [key, account] of this.#accounts)
      if (account.userId === userId) this.#accounts.delete(key);
    for (const [id, session] of this.#sessions)
      if (session.userId === userId) this.#sessions.delete(id);
  }

  async linkAccount(account: AccountRow): Promise<void> {
    if (!this.#users.has(account.userId)) throw new LatchkeyError('user_not_found', 'No such user');
    const key = accountKey(account);
    if (this.#accounts.has(key)) throw new AccountExistsError(account.providerId);
    this.#accounts.set(key, { ...account });
  }

  async unlinkAccount(key: Required<AccountKey>): Promise<boolean> {
    return this.#accounts.delete(accountKey(key));
  }

  async getAccount(key: Required<AccountKey>): Promise<AccountRow | null> {
    const account = this.#accounts.get(accountKey(key));
    return account ? { ...account } : null;
  }

  async getUserAccounts(userId: string): Promise<AccountRow[]> {
    return [...this.#accounts.values()]
      .filter((a) => a.userId === userId)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((a) => ({ ...a }));
  }

  async listAccountsWithTokens(
    after: Required<AccountKey> | null,
    limit: number,
  ): Promise<AccountRow[]> {
    const key = (a: Required<AccountKey>): string[] => [a.providerId, a.issuer, a.providerUserId];
    const compare = (x: string[], y: string[]): number => {
      for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
      return 0;
    };
    return [...this.#accounts.values()]
      .filter((a) => a.tokens !== null && (after === null || compare(key(a), key(after)) > 0))
      .sort((a, b) => compare(key(a), key(b)))
      .slice(0, limit)
      .map((a) => ({ ...a }));
  }

  async updateAccountTokens(
    key: Required<AccountKey>,
    update: AccountTokensUpdate,
  ): Promise<boolean> {
    const account = this.#accounts.get(accountKey(key));
    if (!account || account.tokensVersion !== update.expectedVersion) return false;
    account.tokens = update.tokens;
    account.tokensVersion = update.expectedVersion + 1;
    account.needsReauth = update.needsReauth;
    return true;
  }

  async createSession(session: SessionRow): Promise<void> {
    if (!this.#users.has(session.userId)) throw new LatchkeyError('user_not_found', 'No such user');
    this.#sessions.set(session.id, { ...session });
  }

  getSessionAndUser(sessionId: string): SessionAndUser | null {
    const session = this.#sessions.get(sessionId);
    if (!session) return null;
    const user = this.#users.get(session.userId);
    if (!user) return null;
    return { session: { ...session }, user: { ...user } };
  }

  async updateSessionExpiry(
    sessionId: string,
    expiresAt: number,
    lastSeenAt: number,
  ): Promise<void> {
    const session = this.#sessions.get(sessionId);
    if (session) {
      session.expiresAt = expiresAt;
      session.lastSeenAt = lastSeenAt;
    }
  }

  async getUserSessions(userId: string): Promise<SessionRow[]> {
    return [...this.#sessions.values()].filter((s) => s.userId === userId).map((s) => ({ ...s }));
  }

  async deleteSession(sessionId: string): Promise<void> {
    this.#sessions.delete(sessionId);
  }

  async deleteUserSessions(userId: string, exceptSessionId?: string): Promise<void> {
    for (const [id, session] of this.#sessions) {
      if (session.userId === userId && id !== exceptSessionId) this.#sessions.delete(id);
    }
  }

  #live(kind: string, key: string): { value: string; expiresAt: number } | null {
    const k = `${kind}\u0000${key}`;
    const record = this.#temps.get(k);
    if (!record) return null;
    if (record.expiresAt <= this.#now()) {
      this.#temps.delete(k);
      return null;
    }
    return record;
  }

  async setTemp(kind: string, key: string, value: string, expiresAt: number): Promise<void> {
    this.#temps.set(`${kind}\u0000${key}`, { value, expiresAt });
    await this.#sweeper.afterWrite();
  }

  async addTemp(kind: string, key: string, value: string, expiresAt: number): Promise<boolean> {
    if (this.#live(kind, key)) return false;
    this.#temps.set(`${kind}\u0000${key}`, { value, expiresAt });
    await this.#sweeper.afterWrite();
    return true;
  }

  async getTemp(kind: string, key: string): Promise<string | null> {
    return this.#live(kind, key)?.value ?? null;
  }

  async takeTemp(kind: string, key: string): Promise<string | null> {
    const record = this.#live(kind, key);
    if (!record) return null;
    this.#temps.delete(`${kind}\u0000${key}`);
    return record.value;
  }

  async deleteTemp(kind: string, key: string): Promise<void> {
    this.#temps.delete(`${kind}\u0000${key}`);
  }

  async incrementCounter(
    kind: string,
    key: string,
    expiresAt: number,
  ): Promise<{ count: number; expiresAt: number }> {
    const record = this.#live(kind, key);
    if (!record) {
      this.#temps.set(`${kind}\u0000${key}`, { value: '1', expiresAt });
      await this.#sweeper.afterWrite();
      return { count: 1, expiresAt };
    }
    record.value = String(Number(record.value) + 1);
    return { count: Number(record.value), expiresAt: record.expiresAt };
  }

  async deleteExpired(now: number): Promise<number> {
    let purged = 0;
    for (const [id, s] of this.#sessions) {
      if (s.expiresAt <= now || s.absoluteExpiresAt <= now) {
        this.#sessions.delete(id);
        purged++;
      }
    }
    for (const [k, t] of this.#temps) if (t.expiresAt <= now) this.#temps.delete(k);
    return purged;
  }

  async close(): Promise<void> {}

  /** How many short-lived records are held, live or expired-but-not-yet-swept (tests, metrics). */
  get temporaryRecordCount(): number {
    return this.#temps.size;
  }
}

/** Creates an in-memory store (tests, demos). */
export function memoryStore(options?: { now?: () => number }): MemoryStore {
  return new MemoryStore(options);
}
