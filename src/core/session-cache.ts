// An in-process cache of validated sessions: the (session, user) rows by session id, so a hot
// session costs no store round trip. It never decides alone: the secret and both expiries are
// still checked on every hit. It is dropped from at once by this process's own revocations and,
// through the store's channel, by every other process's; while that channel is not listening it
// holds nothing. Without a channel, `ttl` bounds how stale another process's revocation can be.
import type { SessionAndUser, SessionChannel, SessionInvalidation } from '../store.ts';
import { invalidArgument } from './errors.ts';

/** Options of the session cache (`createLatchkey({ sessionCache })`). Durations in ms. */
export interface SessionCacheOptions {
  /** Most sessions held; the least recently used goes first. Default 10,000. */
  maxEntries?: number;
  /** How long a cached session is used without reading the store. Default 5,000; at most 60,000. */
  ttl?: number;
  /**
   * The broadcast between processes. Default: the store's own `sessionChannel` (PostgreSQL,
   * Redis); `null` for none, so only `ttl` bounds other processes' revocations.
   */
  channel?: SessionChannel | null;
}

/** What an app may see of the cache (`auth.sessionCache`). */
export interface SessionCacheView {
  readonly maxEntries: number;
  readonly ttl: number;
  /** Whether the cache can hold sessions now: always without a channel, else while it listens. */
  readonly live: boolean;
  readonly size: number;
  /** Validations answered from the cache, and those that read the store, since start. */
  readonly hits: number;
  readonly misses: number;
  /** Resolves once the cache is live (at once without a channel). */
  ready(): Promise<void>;
  /** Drops every cached session. */
  clear(): void;
}

interface Entry {
  found: SessionAndUser;
  /** Time after which the entry is not used (the cache's own TTL, not the session's expiry). */
  until: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;
const DEFAULT_TTL = 5_000;
const MAX_TTL = 60_000;

/** The cache itself: LRU by `Map` insertion order (O(1) per operation), a per-user index. */
export class SessionCache implements SessionCacheView {
  readonly maxEntries: number;
  readonly ttl: number;
  hits = 0;
  misses = 0;
  readonly #entries = new Map<string, Entry>();
  readonly #byUser = new Map<string, Set<string>>();
  // Bumped by every invalidation: a store read that began before one is never cached, so a
  // revocation racing an in-flight read cannot leave the revoked row behind.
  #epoch = 0;
  #live: boolean;
  #waiters: (() => void)[] = [];

  /** @throws TypeError on a bad option. */
  constructor(options: SessionCacheOptions, channel: SessionChannel | undefined) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.ttl = options.ttl ?? DEFAULT_TTL;
    if (!Number.isSafeInteger(this.maxEntries) || this.maxEntries < 1) {
      invalidArgument('sessionCache.maxEntries', 'must be a positive integer');
    }
    if (!(this.ttl > 0 && this.ttl <= MAX_TTL)) {
      invalidArgument('sessionCache.ttl', `must be between 1 and ${MAX_TTL} ms`);
    }
    this.#live = channel === undefined;
    channel?.subscribe({
      message: (message) => this.apply(message),
      state: (listening) => this.#setLive(listening),
    });
  }

  get live(): boolean {
    return this.#live;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The current invalidation epoch, taken before a store read (see {@link set}). */
  get epoch(): number {
    return this.#epoch;
  }

  ready(): Promise<void> {
    if (this.#live) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** The cached rows for a session id, or `undefined`; counts a hit or a miss. */
  get(sessionId: string, now: number): SessionAndUser | undefined {
    const entry = this.#entries.get(sessionId);
    if (entry === undefined || now >= entry.until) {
      if (entry !== undefined) this.#remove(sessionId, entry);
      this.misses++;
      return undefined;
    }
    // Most recently used goes last.
    this.#entries.delete(sessionId);
    this.#entries.set(sessionId, entry);
    this.hits++;
    return entry.found;
  }

  /** Caches rows read from the store, unless an invalidation came since `epoch` was taken. */
  set(found: SessionAndUser, epoch: number, now: number): void {
    if (!this.#live || epoch !== this.#epoch) return;
    const id = found.session.id;
    const old = this.#entries.get(id);
    if (old !== undefined) this.#remove(id, old);
    this.#entries.set(id, { found, until: now + this.ttl });
    let ids = this.#byUser.get(found.session.userId);
    if (ids === undefined) this.#byUser.set(found.session.userId, (ids = new Set()));
    ids.add(id);
    if (this.#entries.size > this.maxEntries) {
      const [oldestId, oldest] = this.#entries.entries().next().value!;
      this.#remove(oldestId, oldest);
    }
  }

  /** Drops what a message names (from this process or another). */
  apply(message: SessionInvalidation): void {
    this.#epoch++;
    if ('sessionId' in message) {
      const entry = this.#entries.get(message.sessionId);
      if (entry !== undefined) this.#remove(message.sessionId, entry);
      return;
    }
    const ids = this.#byUser.get(message.userId);
    if (ids === undefined) return;
    for (const id of [...ids]) {
      if (id === message.exceptSessionId) continue;
      this.#remove(id, this.#entries.get(id)!);
    }
  }

  clear(): void {
    this.#epoch++;
    this.#entries.clear();
    this.#byUser.clear();
  }

  #remove(id: string, entry: Entry): void {
    this.#entries.delete(id);
    const userId = entry.found.session.userId;
    const ids = this.#byUser.get(userId);
    if (ids === undefined) return;
    ids.delete(id);
    if (ids.size === 0) this.#byUser.delete(userId);
  }

  // A channel that stops listening may miss messages: hold nothing until it listens again. The
  // epoch moves both ways, so a read begun before the channel listened is never cached.
  #setLive(listening: boolean): void {
    this.clear();
    this.#live = listening;
    if (listening) for (const resolve of this.#waiters.splice(0)) resolve();
  }
}
