/**
 * Short-lived records and counters: flow state, one-time codes, device codes, leases and
 * rate-limit windows. `kind` is a keyspace, so a key of one kind is never found as another.
 * Expired records are never returned, and a store removes them by itself — the engine's own TTL
 * where it has one (Redis), else amortised, bounded sweeps on writes that add records (never on
 * reads) — so storage stays bounded without the app scheduling anything (docs/stores.md).
 * Failures throw `StoreError` with the driver's error as `cause`.
 */
export interface ShortLivedStore {
  /** Writes a record, replacing any record under the same kind and key. */
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
}
