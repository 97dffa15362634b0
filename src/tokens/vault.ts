// The provider-token vault: sealed storage in the account row, automatic single-flight refresh,
// re-authorisation marking, revocation and key rotation. See docs/provider-tokens.md.
import { invalidArgument, LatchkeyError } from '../core/errors.ts';
import type { AccountKey } from '../core/types.ts';
import type { OAuthTokens } from '../oauth/provider.ts';
import type { Store } from '../store.ts';
import { fullKey, TokenDecryptionError } from './errors.ts';
import { storeCall } from './refresh-lease.ts';
import {
  TokenRefresher,
  type ReauthorizationEvent,
  type RefreshEvent,
  type TokenProvider,
} from './refresher.ts';
import { createTokenSealer, type TokenKey } from './seal.ts';
import { toProviderTokens, type ProviderTokens } from './token-set.ts';

/** Options of {@link createTokenVault}. Give `auth` (a `Latchkey`) or a `store`. */
export interface TokenVaultOptions {
  /** latchkey's core; its store and clock are used. */
  auth?: { readonly store: Store; now(): number };
  /** The store, when no `auth` is given. */
  store?: Store;
  /** The providers whose tokens are refreshed and revoked (matched by `id`). */
  providers: readonly TokenProvider[];
  /** Sealing keys: the first seals, all open. See {@link TokenKey}. */
  keys: readonly TokenKey[];
  /** Refresh when the access token expires within this many ms. Default 60 000. */
  refreshMargin?: number;
  /** How long a cross-process refresh lease lives if its holder dies. Default 30 000 ms. */
  leaseTTL?: number;
  /** How long a caller waits for another process's refresh. Default 15 000 ms. */
  waitTimeout?: number;
  /** Clock for token expiry (tests). Default `auth.now` or `Date.now`. */
  now?: () => number;
  /** Called after each persisted refresh (no secrets in the event). */
  onRefresh?: (event: RefreshEvent) => void;
  /** Called once when an account is marked as needing re-authorisation. */
  onReauthorizationRequired?: (event: ReauthorizationEvent) => void;
}

/** Where {@link TokenVault.rotateKeys} finds accounts: account keys and/or user ids. */
export type RotationSource =
  Iterable<AccountKey | { userId: string }> | AsyncIterable<AccountKey | { userId: string }>;

/** Encrypted provider tokens with automatic refresh. Create with {@link createTokenVault}. */
export interface TokenVault {
  /**
   * Seals and stores a token set for the account (after sign-in or linking), clearing any
   * re-authorisation mark. Returns `false` when the account does not exist.
   * @throws StoreError when the store fails.
   */
  saveTokens(account: AccountKey, tokens: OAuthTokens | ProviderTokens): Promise<boolean>;
  /** The stored token set as is (no refresh), or `null` when none. */
  getTokens(account: AccountKey): Promise<ProviderTokens | null>;
  /**
   * A token set whose access token is valid for at least `refreshMargin`, refreshing first
   * when needed (one refresh per account however many callers and processes ask).
   * @returns `null` when the account does not exist or holds no tokens.
   * @throws ReauthorizationRequiredError when the refresh token is dead (the account is marked).
   * @throws TokenRefreshError when the refresh failed for a passing reason (nothing changed).
   * @throws StoreError when the store failed (see docs/provider-tokens.md for what is kept).
   */
  getValidTokens(account: AccountKey): Promise<ProviderTokens | null>;
  /** The valid access token of the account — {@link TokenVault.getValidTokens} — or `null`. */
  getAccessTokenForAccount(account: AccountKey): Promise<string | null>;
  /** The valid access token of the user's (oldest) account at `providerId`, or `null`. */
  getAccessToken(userId: string, providerId: string): Promise<string | null>;
  /**
   * Refreshes now, unless a refresh of this account landed while this call waited; returns the
   * new set, or `null` when no tokens are stored.
   * @throws ReauthorizationRequiredError, TokenRefreshError, StoreError as `getValidTokens`.
   */
  refreshTokens(account: AccountKey): Promise<ProviderTokens | null>;
  /**
   * Revokes the tokens at the provider (refresh token first, then access token) and clears them
   * from the store. Clearing happens even when the provider fails; returns whether the provider
   * accepted every revocation.
   */
  revokeTokens(account: AccountKey): Promise<boolean>;
  /** Revokes the account's tokens, then unlinks the account (for an "unlink provider" action). */
  revokeAndUnlink(account: AccountKey): Promise<boolean>;
  /** Revokes the tokens of every account of a user (for "sign out and disconnect"). */
  revokeUserTokens(userId: string): Promise<void>;
  /**
   * Re-seals tokens sealed with an older key under the current key, by compare-and-swap: of the
   * given accounts (or every account of the given users), or — without a source — of every
   * account in the store that holds tokens. Returns how many were re-sealed.
   */
  rotateKeys(source?: RotationSource): Promise<number>;
}

/**
 * Creates the provider-token vault.
 * @throws TypeError when neither `auth` nor `store` is given, a provider id repeats, or a key is
 * invalid (see `createTokenSealer`).
 */
export function createTokenVault(options: TokenVaultOptions): TokenVault {
  if (!options || typeof options !== 'object') invalidArgument('options', 'must be an object');
  const store = options.auth?.store ?? options.store;
  if (!store || typeof store !== 'object') invalidArgument('store', 'is required (or auth)');
  const providers = new Map<string, TokenProvider>();
  for (const provider of options.providers ?? []) {
    if (!provider || typeof provider.id !== 'string') invalidArgument('providers', 'need an id');
    if (providers.has(provider.id)) invalidArgument('providers', `repeat the id "${provider.id}"`);
    providers.set(provider.id, provider);
  }
  const auth = options.auth;
  const now = options.now ?? (auth ? () => auth.now() : Date.now);
  const number = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !(value >= 0)) invalidArgument(name, 'must be >= 0');
    return value;
  };
  const sealer = createTokenSealer(options.keys);
  const refresher = new TokenRefresher({
    store,
    sealer,
    providers,
    now,
    refreshMargin: number('refreshMargin', options.refreshMargin, 60_000),
    leaseTTL: number('leaseTTL', options.leaseTTL, 30_000),
    waitTimeout: number('waitTimeout', options.waitTimeout, 15_000),
    onRefresh: options.onRefresh,
    onReauthorizationRequired: options.onReauthorizationRequired,
  });

  const vault: TokenVault = {
    async saveTokens(account, tokens) {
      checkKey(account);
      if (!tokens || typeof tokens.accessToken !== 'string') {
        invalidArgument('tokens.accessToken', 'must be a string');
      }
      const set = toProviderTokens(tokens);
      refresher.forgetPending(account);
      for (;;) {
        const row = await storeCall('getAccount', () => store.getAccount(fullKey(account)));
        if (!row) return false;
        if (await refresher.write(account, row.tokensVersion, set, false)) return true;
      }
    },

    async getTokens(account) {
      checkKey(account);
      return (await refresher.load(account))?.tokens ?? null;
    },

    getValidTokens(account) {
      checkKey(account);
      return refresher.getValid(account, false);
    },

    async getAccessTokenForAccount(account) {
      checkKey(account);
      return (await refresher.getValid(account, false))?.accessToken ?? null;
    },

    async getAccessToken(userId, providerId) {
      if (typeof userId !== 'string' || userId.length === 0)
        invalidArgument('userId', 'must be a string');
      if (typeof providerId !== 'string') invalidArgument('providerId', 'must be a string');
      const rows = await storeCall('getUserAccounts', () => store.getUserAccounts(userId));
      const row = rows.find((r) => r.providerId === providerId);
      if (!row) return null;
      return vault.getAccessTokenForAccount(row);
    },

    refreshTokens(account) {
      checkKey(account);
      return refresher.getValid(account, true);
    },

    async revokeTokens(account) {
      checkKey(account);
      const loaded = await refresher.load(account).catch((error: unknown) => {
        // Undecryptable tokens (a removed key) still get cleared below.
        if (error instanceof TokenDecryptionError) return undefined;
        throw error;
      });
      if (loaded === null) return true;
      let accepted = true;
      const provider = providers.get(account.providerId);
      const tokens = loaded?.tokens;
      if (tokens) {
        for (const token of [tokens.refreshToken, tokens.accessToken]) {
          if (token === null) continue;
          try {
            if (!provider) throw new LatchkeyError('config', 'no provider');
            await provider.revokeToken(token);
          } catch {
            accepted = false;
          }
        }
      }
      refresher.forgetPending(account);
      for (;;) {
        const row = await storeCall('getAccount', () => store.getAccount(fullKey(account)));
        if (!row || row.tokens === null) return accepted;
        if (await refresher.write(account, row.tokensVersion, null, false)) return accepted;
      }
    },

    async revokeAndUnlink(account) {
      const accepted = await vault.revokeTokens(account);
      await storeCall('unlinkAccount', () => store.unlinkAccount(fullKey(account)));
      return accepted;
    },

    async revokeUserTokens(userId) {
      const rows = await storeCall('getUserAccounts', () => store.getUserAccounts(userId));
      for (const row of rows) if (row.tokens !== null) await vault.revokeTokens(row);
    },

    async rotateKeys(source) {
      let resealed = 0;
      let unreadable = 0;
      for await (const item of source ?? accountsWithTokens()) {
        const accounts =
          'userId' in item && !('providerId' in item)
            ? await storeCall('getUserAccounts', () => store.getUserAccounts(item.userId))
            : [item as AccountKey];
        for (const account of accounts) {
          try {
            if (await reseal(account)) resealed++;
          } catch (error) {
            // One row no configured key opens must not stop the rest of a rotation.
            if (!(error instanceof TokenDecryptionError)) throw error;
            unreadable++;
          }
        }
      }
      if (unreadable > 0) {
        throw new TokenDecryptionError(
          `${unreadable} account(s) hold tokens no configured key opens; ${resealed} others were re-sealed`,
        );
      }
      return resealed;
    },
  };

  /** Every account holding tokens, a page at a time, so a large store is never loaded whole. */
  async function* accountsWithTokens(): AsyncIterable<AccountKey> {
    let after: Required<AccountKey> = { providerId: '', issuer: '', providerUserId: '' };
    for (;;) {
      const cursor = after;
      const page = await storeCall('listAccountsWithTokens', () =>
        store!.listAccountsWithTokens(cursor.providerId === '' ? null : cursor, 100),
      );
      for (const row of page) yield row;
      if (page.length < 100) return;
      after = page[page.length - 1]!;
    }
  }

  async function reseal(account: AccountKey): Promise<boolean> {
    for (;;) {
      const loaded = await refresher.load(account);
      if (!loaded || loaded.row.tokens === null || !loaded.tokens) return false;
      if (sealer.keyIdOf(loaded.row.tokens) === sealer.currentKeyId) return false;
      const written = await refresher.write(
        account,
        loaded.row.tokensVersion,
        loaded.tokens,
        loaded.row.needsReauth,
      );
      if (written) return true;
    }
  }

  return vault;
}

function checkKey(account: AccountKey): void {
  if (!account || typeof account !== 'object') invalidArgument('account', 'must be an object');
  if (typeof account.providerId !== 'string' || account.providerId.length === 0) {
    invalidArgument('account.providerId', 'must be a non-empty string');
  }
  if (typeof account.providerUserId !== 'string' || account.providerUserId.length === 0) {
    invalidArgument('account.providerUserId', 'must be a non-empty string');
  }
  if (account.issuer !== undefined && typeof account.issuer !== 'string') {
    invalidArgument('account.issuer', 'must be a string');
  }
}
