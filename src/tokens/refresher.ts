// Single-flight refresh of one account's provider tokens, in one process and across processes.
//
// In a process, concurrent callers share one promise per account. Across processes sharing the
// store, the refresher takes a lease (an insert-if-absent temporary record); losers poll the
// account row until its `tokensVersion` moves and then use what the winner wrote. The winner
// persists the rotated refresh token (compare-and-swap on `tokensVersion`) before anyone gets
// the new access token, so a consumed refresh token is never sent twice — oidc-provider with
// `rotateRefreshToken` revokes the whole grant on reuse, GitHub answers `bad_refresh_token`.
import { LatchkeyError, StoreError } from '../core/errors.ts';
import { unrefTimer } from '../core/unref-timer.ts';
import type { AccountKey } from '../core/types.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import type { AccountRow, Store } from '../store.ts';
import {
  fullKey,
  ReauthorizationRequiredError,
  TokenRefreshError,
  type ReauthorizationReason,
} from './errors.ts';
import { accountKeyString, RefreshLease, storeCall } from './refresh-lease.ts';
import type { TokenSealer } from './seal.ts';
import {
  decodeTokenSet,
  encodeTokenSet,
  mergeRefreshed,
  type ProviderTokens,
} from './token-set.ts';

/** What the vault needs of a provider: the id, refresh and revocation. */
export type TokenProvider = Pick<OAuthProvider, 'id' | 'refreshAccessToken' | 'revokeToken'>;

/** Emitted after a refresh was persisted. Carries no secret. */
export interface RefreshEvent {
  account: Required<AccountKey>;
  accessTokenExpiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
  scopes: string[];
}

/** Emitted once when an account is marked as needing re-authorisation. */
export interface ReauthorizationEvent {
  account: Required<AccountKey>;
  reason: ReauthorizationReason;
}

export interface RefresherSettings {
  store: Store;
  sealer: TokenSealer;
  providers: ReadonlyMap<string, TokenProvider>;
  now: () => number;
  refreshMargin: number;
  leaseTTL: number;
  waitTimeout: number;
  onRefresh: ((event: RefreshEvent) => void) | undefined;
  onReauthorizationRequired: ((event: ReauthorizationEvent) => void) | undefined;
}

/** An account row with its opened token set. */
export interface LoadedAccount {
  row: AccountRow;
  tokens: ProviderTokens | null;
}

// Provider error codes meaning "this refresh token is dead": RFC 6749's, and GitHub's own
// (delivered with HTTP 200).
const DEAD_REFRESH_ERRORS = new Set(['invalid_grant', 'bad_refresh_token']);
const WRITE_RETRY_DELAYS = [0, 50, 200];
// Gaps between background attempts to record a kept rotation while the store is down: soon
// after a short outage, then every few seconds (each attempt is WRITE_RETRY_DELAYS' writes).
const FLUSH_DELAYS = [100, 250, 500, 1_000, 2_000, 4_000];
const RETRY = Symbol('retry');

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The provider's OAuth error code carried by an error or its cause, if any. */
function oauthErrorCode(error: unknown): string | null {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { error?: unknown }).error;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** The refresh engine behind the token vault. Internal: use `createTokenVault`. */
export class TokenRefresher {
  readonly #s: RefresherSettings;
  readonly #owner = crypto.randomUUID();
  readonly #inflight = new Map<string, Promise<ProviderTokens | null>>();
  /** Rotations the provider granted but the store refused to record; retried first. */
  readonly #pending = new Map<string, { expectedVersion: number; tokens: ProviderTokens }>();
  /** Accounts whose kept rotation is being retried in the background. */
  readonly #flushing = new Set<string>();

  readonly #lease: RefreshLease;

  constructor(settings: RefresherSettings) {
    this.#s = settings;
    this.#lease = new RefreshLease(settings.store, this.#owner, settings.leaseTTL);
  }

  static keyOf(account: AccountKey): string {
    return accountKeyString(account);
  }

  /** Reads and opens the account's tokens. */
  async load(account: AccountKey): Promise<LoadedAccount | null> {
    const row = await storeCall('getAccount', () => this.#s.store.getAccount(fullKey(account)));
    if (!row) return null;
    const tokens = row.tokens
      ? decodeTokenSet(await this.#s.sealer.open(row.tokens, account))
      : null;
    return { row, tokens };
  }

  /** Whether the access token is usable for at least `refreshMargin` more. */
  isFresh(tokens: ProviderTokens): boolean {
    const expiresAt = tokens.accessTokenExpiresAt;
    return expiresAt === null || expiresAt.getTime() - this.#s.now() > this.#s.refreshMargin;
  }

  /** Seals and compare-and-swaps the account's tokens; `false` when another writer won. */
  async write(
    account: AccountKey,
    expectedVersion: number,
    tokens: ProviderTokens | null,
    needsReauth: boolean,
    sealed?: string | null,
  ): Promise<boolean> {
    const text =
      sealed !== undefined
        ? sealed
        : tokens
          ? await this.#s.sealer.seal(encodeTokenSet(tokens), account)
          : null;
    return storeCall('updateAccountTokens', () =>
      this.#s.store.updateAccountTokens(fullKey(account), {
        expectedVersion,
        tokens: text,
        needsReauth,
      }),
    );
  }

  /** Forgets an unrecorded rotation (new tokens were saved over it). */
  forgetPending(account: AccountKey): void {
    this.#pending.delete(TokenRefresher.keyOf(account));
  }

  /**
   * A usable token set: the stored one while fresh, else a single-flight refresh. With
   * `force`, refreshes unless another refresh landed since this call read the row.
   * @returns `null` when the account does not exist or holds no tokens.
   */
  async getValid(account: AccountKey, force: boolean): Promise<ProviderTokens | null> {
    const key = TokenRefresher.keyOf(account);
    const joined = this.#inflight.get(key);
    if (joined) return joined;
    if (!this.#pending.has(key)) {
      const loaded = await this.load(account);
      if (!loaded) return null;
      if (loaded.row.needsReauth)
        throw new ReauthorizationRequiredError(account.providerId, 'marked');
      if (!loaded.tokens) return null;
      if (!force && this.isFresh(loaded.tokens)) return loaded.tokens;
      return this.#singleFlight(key, () =>
        this.#refreshFlow(
          account,
          force ? loaded.row.tokensVersion : null,
          loaded.row.tokensVersion,
        ),
      );
    }
    return this.#singleFlight(key, () => this.#flushPending(account, key));
  }

  #singleFlight(
    key: string,
    run: () => Promise<ProviderTokens | null>,
  ): Promise<ProviderTokens | null> {
    const joined = this.#inflight.get(key);
    if (joined) return joined;
    const promise = run().finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, promise);
    return promise;
  }

  async #flushPending(account: AccountKey, key: string): Promise<ProviderTokens | null> {
    const pending = this.#pending.get(key);
    if (!pending) return this.getValid(account, false);
    const written = await this.#writeWithRetry(account, pending.expectedVersion, pending.tokens);
    this.#pending.delete(key);
    await this.#lease.release(account);
    if (written) {
      this.#emitRefresh(account, pending.tokens);
      return pending.tokens;
    }
    return this.#afterLostWrite(account, pending.tokens);
  }

  /**
   * Records a kept rotation without waiting for this process's next call for the account:
   * other processes wait on the lease until it lands (then read it), so the sooner the better.
   * Retries with growing gaps until the rotation is recorded or forgotten; the timer never
   * keeps the process alive (`unrefTimer`).
   */
  #flushInBackground(account: AccountKey, key: string, attempt = 0): void {
    if (attempt === 0) {
      if (this.#flushing.has(key)) return;
      this.#flushing.add(key);
    }
    const delay = FLUSH_DELAYS[Math.min(attempt, FLUSH_DELAYS.length - 1)];
    const timer = setTimeout(() => {
      if (!this.#pending.has(key)) {
        this.#flushing.delete(key);
        return;
      }
      this.#singleFlight(key, () => this.#flushPending(account, key)).then(
        () => this.#flushing.delete(key),
        () => {
          if (this.#pending.has(key)) this.#flushInBackground(account, key, attempt + 1);
          else this.#flushing.delete(key);
        },
      );
    }, delay);
    unrefTimer(timer);
  }

  async #refreshFlow(
    account: AccountKey,
    forceVersion: number | null,
    seenVersion: number | null,
  ): Promise<ProviderTokens | null> {
    const deadline = performance.now() + this.#s.waitTimeout;
    let firstVersion = seenVersion;
    for (;;) {
      const loaded = await this.load(account);
      if (!loaded) return null;
      const { row, tokens } = loaded;
      if (row.needsReauth) throw new ReauthorizationRequiredError(account.providerId, 'marked');
      if (!tokens) return null;
      firstVersion ??= row.tokensVersion;
      // Tokens another writer just stored are used while they are valid at all, even inside the
      // margin: a provider whose tokens live shorter than the margin must not be refreshed by
      // every waiter in turn.
      const replaced = row.tokensVersion !== firstVersion;
      const usable =
        forceVersion === null
          ? this.isFresh(tokens) || (replaced && this.isFreshIgnoringMargin(tokens))
          : row.tokensVersion !== forceVersion;
      if (usable) return tokens;
      const dead = this.#unusableRefreshToken(account, tokens, forceVersion !== null);
      if (dead) {
        if (await this.#markReauth(account, loaded, dead)) {
          throw new ReauthorizationRequiredError(account.providerId, dead);
        }
        continue;
      }
      if (await this.#lease.take(account)) {
        const result = await this.#refreshUnderLease(account, loaded);
        if (result !== RETRY) return result;
        continue;
      }
      await this.#lease.waitForOther(account, row.tokensVersion, deadline);
    }
  }

  #unusableRefreshToken(
    account: AccountKey,
    tokens: ProviderTokens,
    forced: boolean,
  ): ReauthorizationReason | null {
    if (tokens.refreshToken === null) {
      // A non-expiring token without a refresh token (OAuth Apps) is fine; a manual refresh of
      // one is a usage problem, not a reason to send the person back to the provider.
      if (forced && this.isFreshIgnoringMargin(tokens)) {
        throw new TokenRefreshError(account.providerId, 'the provider issued no refresh token');
      }
      return 'no_refresh_token';
    }
    const expiresAt = tokens.refreshTokenExpiresAt;
    if (expiresAt !== null && expiresAt.getTime() <= this.#s.now()) return 'refresh_token_expired';
    return null;
  }

  isFreshIgnoringMargin(tokens: ProviderTokens): boolean {
    const expiresAt = tokens.accessTokenExpiresAt;
    return expiresAt === null || expiresAt.getTime() > this.#s.now();
  }

  async #refreshUnderLease(
    account: AccountKey,
    loaded: LoadedAccount,
  ): Promise<ProviderTokens | null | typeof RETRY> {
    let keepLease = false;
    try {
      // Another process may have finished between our read and our lease: read again.
      const current = await this.load(account);
      if (!current || current.row.tokensVersion !== loaded.row.tokensVersion) return RETRY;
      const previous = current.tokens!;
      const provider = this.#s.providers.get(account.providerId);
      if (!provider) {
        throw new LatchkeyError(
          'config',
          `No provider "${account.providerId}" is configured in the token vault`,
        );
      }
      let next: ProviderTokens;
      try {
        const options = previous.dpopKey ? { dpopKey: previous.dpopKey } : undefined;
        const fresh = await provider.refreshAccessToken(previous.refreshToken!, options);
        next = mergeRefreshed(previous, fresh);
      } catch (error) {
        if (DEAD_REFRESH_ERRORS.has(oauthErrorCode(error) ?? '')) {
          if (!(await this.#markReauth(account, current, 'refresh_token_rejected'))) return RETRY;
          throw new ReauthorizationRequiredError(account.providerId, 'refresh_token_rejected', {
            cause: error,
          });
        }
        throw new TokenRefreshError(account.providerId, 'no new tokens were received', {
          cause: error,
        });
      }
      let written: boolean;
      try {
        written = await this.#writeWithRetry(account, current.row.tokensVersion, next);
      } catch (error) {
        // The provider rotated and the store is down: keep the new set in this process and the
        // lease held (so no other process spends the consumed refresh token), retry first thing.
        const key = TokenRefresher.keyOf(account);
        this.#pending.set(key, { expectedVersion: current.row.tokensVersion, tokens: next });
        keepLease = true;
        this.#flushInBackground(account, key);
        throw error;
      }
      if (!written) return this.#afterLostWrite(account, next);
      this.#emitRefresh(account, next);
      return next;
    } finally {
      if (!keepLease) await this.#lease.release(account).catch(() => {});
    }
  }

  /** Another writer replaced the row while we held the lease (a new sign-in, or our lease ran out). */
  async #afterLostWrite(account: AccountKey, ours: ProviderTokens): Promise<ProviderTokens> {
    const current = await this.load(account);
    if (current?.tokens && !current.row.needsReauth && this.isFresh(current.tokens)) {
      return current.tokens;
    }
    // Ours are the provider's live tokens: usable for this call even though not recorded.
    return ours;
  }

  async #writeWithRetry(
    account: AccountKey,
    version: number,
    tokens: ProviderTokens,
  ): Promise<boolean> {
    const sealed = await this.#s.sealer.seal(encodeTokenSet(tokens), account);
    let lastError: unknown;
    for (const delay of WRITE_RETRY_DELAYS) {
      if (delay > 0) await sleep(delay);
      try {
        return await this.write(account, version, tokens, false, sealed);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError instanceof StoreError
      ? lastError
      : new StoreError('updateAccountTokens', { cause: lastError });
  }

  async #markReauth(
    account: AccountKey,
    loaded: LoadedAccount,
    reason: ReauthorizationReason,
  ): Promise<boolean> {
    const marked = await this.write(
      account,
      loaded.row.tokensVersion,
      null,
      true,
      loaded.row.tokens,
    );
    if (marked) {
      const handler = this.#s.onReauthorizationRequired;
      if (handler) safely(() => handler({ account: fullKey(account), reason }));
    }
    return marked;
  }

  #emitRefresh(account: AccountKey, tokens: ProviderTokens): void {
    const handler = this.#s.onRefresh;
    if (!handler) return;
    safely(() =>
      handler({
        account: fullKey(account),
        accessTokenExpiresAt: tokens.accessTokenExpiresAt,
        refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
        scopes: [...tokens.scopes],
      }),
    );
  }
}

function safely(run: () => void): void {
  try {
    run();
  } catch {
    // A listener's failure must not turn a persisted refresh into an error.
  }
}
