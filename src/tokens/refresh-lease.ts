// The cross-process half of single-flight refresh: a lease is a temporary record inserted only
// if absent (`addTemp`), so of several processes exactly one refreshes an account; the others
// poll the account row until its `tokensVersion` moves, or the lease disappears unused.
import { LatchkeyError, StoreError } from '../core/errors.ts';
import type { AccountKey } from '../core/types.ts';
import type { Store } from '../store.ts';
import { accountTriple, fullKey, TokenRefreshError } from './errors.ts';

/** The temporary-record keyspace of refresh leases. */
export const LEASE_KIND = 'token-refresh-lease';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a store call, wrapping anything that is not already a latchkey error in `StoreError`. */
export async function storeCall<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof LatchkeyError) throw error;
    throw new StoreError(operation, { cause: error });
  }
}

/** One string per account identity (also the lease key). */
export function accountKeyString(account: AccountKey): string {
  return JSON.stringify(accountTriple(account));
}

/** Refresh leases of one vault instance (`owner` tells its leases from other processes'). */
export class RefreshLease {
  readonly #store: Store;
  readonly #owner: string;
  readonly #ttl: number;

  constructor(store: Store, owner: string, ttl: number) {
    this.#store = store;
    this.#owner = owner;
    this.#ttl = ttl;
  }

  /** Takes the account's lease; `false` when another holder has it. */
  take(account: AccountKey): Promise<boolean> {
    const key = accountKeyString(account);
    // Lease expiry uses the wall clock, like the stores' own expiry checks, not a test clock.
    return storeCall('addTemp', () =>
      this.#store.addTemp(LEASE_KIND, key, this.#owner, Date.now() + this.#ttl),
    );
  }

  /** Releases the lease if it is still ours (if ours ran out and another took one, theirs stays). */
  async release(account: AccountKey): Promise<void> {
    const key = accountKeyString(account);
    const holder = await storeCall('getTemp', () => this.#store.getTemp(LEASE_KIND, key));
    if (holder === this.#owner) {
      await storeCall('deleteTemp', () => this.#store.deleteTemp(LEASE_KIND, key));
    }
  }

  /**
   * Waits, with bounded backoff, until the account row moves past `seenVersion` or the lease
   * is gone (its holder gave up without writing).
   * @throws TokenRefreshError when `deadline` (a `performance.now()` instant) passes.
   */
  async waitForOther(account: AccountKey, seenVersion: number, deadline: number): Promise<void> {
    const key = accountKeyString(account);
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      if (performance.now() > deadline) {
        throw new TokenRefreshError(account.providerId, 'timed out waiting for another refresh', {
          retryable: true,
        });
      }
      await sleep(delay);
      const row = await storeCall('getAccount', () => this.#store.getAccount(fullKey(account)));
      if (!row || row.tokensVersion !== seenVersion || row.needsReauth) return;
      const holder = await storeCall('getTemp', () => this.#store.getTemp(LEASE_KIND, key));
      if (holder === null) return;
    }
  }
}
