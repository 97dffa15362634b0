// The shared base of the two SQLite-dialect stores: node:sqlite (sqlite-store.ts) and Cloudflare
// D1 (d1-store.ts). Both run the very same statements (sqlite-statements.ts), so every method
// that is one statement and a row mapping is written once here, over a statement runner each
// store supplies. node:sqlite answers synchronously and D1 with a promise; the runner may do
// either, and `await` takes both. Each store keeps what its engine does its own way: writes of
// several statements (a BEGIN IMMEDIATE transaction, a D1 batch), migrations, the session lookup
// (synchronous on node:sqlite) and closing.
import { AccountExistsError, LatchkeyError, StoreError } from '../core/errors.ts';
import type { AccountKey } from '../core/types.ts';
import type {
  AccountRow,
  MaybePromise,
  SessionAndUser,
  SessionRow,
  UserRow,
} from '../store/rows.ts';
import type { AccountTokensUpdate, Store } from '../store.ts';
import {
  accountValues,
  FIRST_KEY,
  keyValues,
  sessionValues,
  toAccount,
  toSession,
  toUser,
  type Row,
} from './sql-rows.ts';
import type { SqliteStatementName } from './sqlite-statements.ts';
import { checkTablePrefix } from './migrations.ts';
import { ExpirySweeper } from './expiry-sweep.ts';

/** A value latchkey binds to a SQLite statement. */
export type SqliteValue = string | number | bigint | null | Uint8Array;

/** Maps a driver error to latchkey's errors; latchkey errors pass through unchanged. */
export function storeError(operation: string, error: unknown): LatchkeyError {
  if (error instanceof LatchkeyError) return error;
  return new StoreError(operation, { cause: error });
}

const tempValue = (row: Row): string => row.value as string;

function userNotFound(cause: unknown): LatchkeyError {
  return new LatchkeyError('user_not_found', 'No such user', { cause });
}

/**
 * The common {@link Store} over a SQLite engine. Subclasses run the named statements (`get`,
 * `all`, `run`), recognise the engine's constraint errors, and implement the rest.
 */
export abstract class SqliteDialectStore implements Store {
  readonly tablePrefix: string;
  readonly #now: () => number;
  readonly #sweeper: ExpirySweeper;

  /** @throws TypeError on a bad `tablePrefix`. */
  constructor(options: { tablePrefix?: string; now?: () => number }) {
    this.tablePrefix = checkTablePrefix(options.tablePrefix);
    this.#now = options.now ?? Date.now;
    this.#sweeper = new ExpirySweeper(
      (now, limit) => this.run('sweepTemps', now, limit),
      this.#now,
    );
  }

  /** The statement's first row, or `null`. */
  protected abstract get(
    name: SqliteStatementName,
    ...values: SqliteValue[]
  ): MaybePromise<Row | null>;
  /** The statement's rows. */
  protected abstract all(name: SqliteStatementName, ...values: SqliteValue[]): MaybePromise<Row[]>;
  /** Runs a write; returns how many rows it changed. */
  protected abstract run(name: SqliteStatementName, ...values: SqliteValue[]): MaybePromise<number>;
  /** Whether a driver error is a duplicate account key. */
  protected abstract isDuplicateAccount(error: unknown): boolean;
  /** Whether a driver error is a foreign-key violation (the referenced user is missing). */
  protected abstract isMissingUser(error: unknown): boolean;

  abstract createUser(user: UserRow, account?: AccountRow, session?: SessionRow): Promise<void>;
  abstract getSessionAndUser(sessionId: string): MaybePromise<SessionAndUser | null>;
  abstract deleteExpired(now: number): Promise<number>;
  abstract close(): Promise<void>;

  /** What a failed account insert throws: the expected conflicts typed, else the driver error. */
  protected accountInsertError(error: unknown, account: AccountRow): unknown {
    if (this.isDuplicateAccount(error)) {
      return new AccountExistsError(account.providerId, { cause: error });
    }
    return this.sessionInsertError(error);
  }

  /** What a failed session insert throws: `user_not_found`, else the driver error. */
  protected sessionInsertError(error: unknown): unknown {
    return this.isMissingUser(error) ? userNotFound(error) : error;
  }

  /** The statement's first row mapped, or `null`; driver errors become `operation`'s. */
  async #row<T>(
    operation: string,
    map: (row: Row) => T,
    name: SqliteStatementName,
    ...values: SqliteValue[]
  ): Promise<T | null> {
    try {
      const row = await this.get(name, ...values);
      return row ? map(row) : null;
    } catch (error) {
      throw storeError(operation, error);
    }
  }

  /** The statement's rows mapped; driver errors become `operation`'s. */
  async #rows<T>(
    operation: string,
    map: (row: Row) => T,
    name: SqliteStatementName,
    ...values: SqliteValue[]
  ): Promise<T[]> {
    try {
      return (await this.all(name, ...values)).map(map);
    } catch (error) {
      throw storeError(operation, error);
    }
  }

  /** How many rows the write changed; driver errors become `operation`'s. */
  async #write(
    operation: string,
    name: SqliteStatementName,
    ...values: SqliteValue[]
  ): Promise<number> {
    try {
      return await this.run(name, ...values);
    } catch (error) {
      throw storeError(operation, error);
    }
  }

  async getUser(userId: string): Promise<UserRow | null> {
    return this.#row('getUser', toUser, 'getUser', userId);
  }

  async getUserByAccount(key: Required<AccountKey>): Promise<UserRow | null> {
    return this.#row('getUserByAccount', toUser, 'getUserByAccount', ...keyValues(key));
  }

  async updateUserAttributes(userId: string, attributes: string): Promise<boolean> {
    return (await this.#write('updateUserAttributes', 'updateUser', attributes, userId)) > 0;
  }

  async deleteUser(userId: string): Promise<void> {
    // Accounts and sessions go by ON DELETE CASCADE (both engines enforce foreign keys).
    await this.#write('deleteUser', 'deleteUser', userId);
  }

  async linkAccount(account: AccountRow): Promise<void> {
    try {
      await this.run('insertAccount', ...accountValues(account));
    } catch (error) {
      throw storeError('linkAccount', this.accountInsertError(error, account));
    }
  }

  async unlinkAccount(key: Required<AccountKey>): Promise<boolean> {
    return (await this.#write('unlinkAccount', 'deleteAccount', ...keyValues(key))) > 0;
  }

  async getAccount(key: Required<AccountKey>): Promise<AccountRow | null> {
    return this.#row('getAccount', toAccount, 'getAccount', ...keyValues(key));
  }

  async getUserAccounts(userId: string): Promise<AccountRow[]> {
    return this.#rows('getUserAccounts', toAccount, 'getUserAccounts', userId);
  }

  async listAccountsWithTokens(
    after: Required<AccountKey> | null,
    limit: number,
  ): Promise<AccountRow[]> {
    const page = [...keyValues(after ?? FIRST_KEY), limit];
    return this.#rows('listAccountsWithTokens', toAccount, 'listAccountsWithTokens', ...page);
  }

  async updateAccountTokens(
    key: Required<AccountKey>,
    update: AccountTokensUpdate,
  ): Promise<boolean> {
    const flag = update.needsReauth ? 1 : 0;
    const cas = [update.tokens, flag, ...keyValues(key), update.expectedVersion];
    return (await this.#write('updateAccountTokens', 'updateTokens', ...cas)) === 1;
  }

  async createSession(session: SessionRow): Promise<void> {
    try {
      await this.run('insertSession', ...sessionValues(session));
    } catch (error) {
      throw storeError('createSession', this.sessionInsertError(error));
    }
  }

  async updateSessionExpiry(
    sessionId: string,
    expiresAt: number,
    lastSeenAt: number,
  ): Promise<void> {
    const expiry = [expiresAt, lastSeenAt, sessionId];
    await this.#write('updateSessionExpiry', 'updateSessionExpiry', ...expiry);
  }

  async getUserSessions(userId: string): Promise<SessionRow[]> {
    return this.#rows('getUserSessions', toSession, 'getUserSessions', userId);
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.#write('deleteSession', 'deleteSession', sessionId);
  }

  async deleteUserSessions(userId: string, exceptSessionId?: string): Promise<void> {
    if (exceptSessionId === undefined) {
      await this.#write('deleteUserSessions', 'deleteUserSessions', userId);
    } else {
      const except = [userId, exceptSessionId];
      await this.#write('deleteUserSessions', 'deleteUserSessionsExcept', ...except);
    }
  }

  async setTemp(kind: string, key: string, value: string, expiresAt: number): Promise<void> {
    await this.#write('setTemp', 'setTemp', kind, key, value, expiresAt);
    await this.#sweeper.afterWrite();
  }

  async addTemp(kind: string, key: string, value: string, expiresAt: number): Promise<boolean> {
    const added =
      (await this.#write('addTemp', 'addTemp', kind, key, value, expiresAt, this.#now())) > 0;
    if (added) await this.#sweeper.afterWrite();
    return added;
  }

  async getTemp(kind: string, key: string): Promise<string | null> {
    return this.#row('getTemp', tempValue, 'getTemp', kind, key, this.#now());
  }

  async takeTemp(kind: string, key: string): Promise<string | null> {
    // DELETE … RETURNING is one statement: of two takers only one sees the row.
    const live = (row: Row) => (Number(row.expires_at) <= this.#now() ? null : tempValue(row));
    return this.#row('takeTemp', live, 'takeTemp', kind, key);
  }

  async deleteTemp(kind: string, key: string): Promise<void> {
    await this.#write('deleteTemp', 'deleteTemp', kind, key);
  }

  async incrementCounter(
    kind: string,
    key: string,
    expiresAt: number,
  ): Promise<{ count: number; expiresAt: number }> {
    let counted: { count: number; expiresAt: number };
    try {
      const now = this.#now();
      const row = await this.get('incrementCounter', kind, key, expiresAt, now, now);
      if (!row) throw new Error('the counter upsert returned no row');
      counted = { count: Number(row.value), expiresAt: Number(row.expires_at) };
    } catch (error) {
      throw storeError('incrementCounter', error);
    }
    // A count of 1 is a new window: a record added (or an expired one reused).
    if (counted.count === 1) await this.#sweeper.afterWrite();
    return counted;
  }
}
