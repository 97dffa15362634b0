import type { AccountKey } from '../core/types.ts';
import type { AccountRow, UserRow } from './rows.ts';

/** A compare-and-swap write of an account's sealed tokens (see {@link UserStore.updateAccountTokens}). */
export interface AccountTokensUpdate {
  /** The `tokensVersion` the writer read; the write applies only if it is still current. */
  expectedVersion: number;
  /** The sealed token set, or `null` to clear it. */
  tokens: string | null;
  /** Whether the person must sign in again (the provider refused a refresh). */
  needsReauth: boolean;
}

/**
 * Users and their linked provider accounts: the durable, relational part of storage. Account
 * keys always carry the issuer (`''` where the provider has none). Methods that create rows are
 * atomic and throw `AccountExistsError` on a duplicate account, `LatchkeyError`
 * `user_not_found` for an account of a missing user, `StoreError` (driver error as `cause`) on
 * any other failure, leaving no partial rows.
 */
export interface UserStore {
  /** Creates a user, optionally with its first account, in one transaction. */
  createUser(user: UserRow, account?: AccountRow): Promise<void>;
  getUser(userId: string): Promise<UserRow | null>;
  getUserByAccount(key: Required<AccountKey>): Promise<UserRow | null>;
  /** Replaces the user's attributes; `false` when no such user. */
  updateUserAttributes(userId: string, attributes: string): Promise<boolean>;
  /** Deletes the user with its accounts (and its sessions, where this store keeps them). */
  deleteUser(userId: string): Promise<void>;

  linkAccount(account: AccountRow): Promise<void>;
  /** `false` when no such account was linked. */
  unlinkAccount(key: Required<AccountKey>): Promise<boolean>;
  getAccount(key: Required<AccountKey>): Promise<AccountRow | null>;
  /** The user's accounts, oldest first. */
  getUserAccounts(userId: string): Promise<AccountRow[]>;
  /**
   * One page of the accounts that hold sealed tokens, in (providerId, issuer, providerUserId)
   * order, strictly after `after` (`null` for the first page) — for re-encrypting every
   * account's tokens under a new key.
   */
  listAccountsWithTokens(after: Required<AccountKey> | null, limit: number): Promise<AccountRow[]>;
  /**
   * Writes the account's sealed tokens and re-authorisation mark if its `tokensVersion` still
   * equals `update.expectedVersion` (compare-and-swap), bumping the version. `false` when
   * another writer won or no such account.
   */
  updateAccountTokens(key: Required<AccountKey>, update: AccountTokensUpdate): Promise<boolean>;
}
