// Sessions and short-lived records in Redis, users and accounts in an SQL `base` store. Redis
// gives sessions and one-time records native TTLs and atomic single-key operations; the SQL
// store keeps what must be durable and relational. The two are not one transaction:
// `composeStore` keeps a first sign-in all-or-nothing by compensation.
import { Cluster, Redis } from 'ioredis';
import { LatchkeyError, StoreError } from '../core/errors.ts';
import type { SessionAndUser, SessionRow } from '../store/rows.ts';
import type {
  SessionStore,
  ShortLivedStore,
  Store,
  StoreHousekeeping,
  UserStore,
} from '../store.ts';
import { composeStore } from '../store/compose.ts';
import { RedisSessionChannel } from './redis-channel.ts';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * An `ioredis` client or `Cluster` (the app's, never closed by the store) or a `redis://` URL.
   * On a Redis Cluster every multi-key operation stays in one hash slot (see the key layout).
   */
  redis: Redis | Cluster | string;
  /** The store that keeps users and accounts (an SQL store). Never closed by this store. */
  base: UserStore;
  /** Prefix of every Redis key. Default `latchkey:`. */
  keyPrefix?: string;
}

// Renews a live session only: a session deleted meanwhile must not come back as a partial hash.
const RENEW = `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'expiresAt', ARGV[1], 'lastSeenAt', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], 'XX', ARGV[1], ARGV[3])
return 1`;

// A fixed window: the first increment sets the window's expiry.
const INCREMENT = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIREAT', KEYS[1], ARGV[1]) return {c, tonumber(ARGV[1])} end
return {c, redis.call('PEXPIRETIME', KEYS[1])}`;

/**
 * Sessions are spread over this many hash-slot groups (`{s:0}`..`{s:15}`): a session's hash and
 * its group's expiry index share a slot, so renewal and removal are single-slot transactions on
 * a Redis Cluster, while sessions still spread over the cluster's primaries.
 */
const SESSION_GROUPS = 16;

/** The slot group of a session id: a small FNV-1a hash of the (random) id. */
export function groupOf(sessionId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) {
    h = Math.imul(h ^ sessionId.charCodeAt(i), 0x01000193);
  }
  return (h >>> 0) % SESSION_GROUPS;
}

/**
 * The session and short-lived parts of the store contract in Redis; each session's user is
 * read from `base`. Each session is a hash that expires at its idle expiry; a per-user set
 * lists a user's sessions and a sorted set per slot group indexes expiries for `deleteExpired`.
 * The per-user set lives in the user's own slot: it is written before a session's hash and
 * cleaned after it, so every live session is always listed (sign-out everywhere finds it).
 */
export class RedisSessionStore implements SessionStore, ShortLivedStore, StoreHousekeeping {
  readonly redis: Redis | Cluster;
  readonly base: UserStore;
  readonly keyPrefix: string;
  readonly #owned: boolean;
  #channel: RedisSessionChannel | undefined;

  /** @throws TypeError when `redis` or `base` is missing. */
  constructor(options: RedisStoreOptions) {
    if (!options || typeof options.base !== 'object' || options.base === null) {
      throw new TypeError('latchkey: "base" store is required');
    }
    if (typeof options.redis === 'string') {
      // Fail a command after two reconnection attempts instead of queueing it for long.
      this.redis = new Redis(options.redis, { maxRetriesPerRequest: 2 });
      this.#owned = true;
    } else if (options.redis instanceof Redis || options.redis instanceof Cluster) {
      this.redis = options.redis;
      this.#owned = false;
    } else {
      throw new TypeError(
        'latchkey: "redis" must be an ioredis client or Cluster, or a redis:// URL',
      );
    }
    this.base = options.base;
    this.keyPrefix = options.keyPrefix ?? 'latchkey:';
  }

  /**
   * Session invalidations between the processes sharing this Redis: `PUBLISH` on the store's
   * connection, `SUBSCRIBE` (once something subscribes) on a duplicate. Channel
   * `<keyPrefix>session-invalidations`.
   */
  get sessionChannel(): RedisSessionChannel {
    return (this.#channel ??= new RedisSessionChannel(
      this.redis,
      `${this.keyPrefix}session-invalidations`,
    ));
  }

  #sessionKey(id: string): string {
    return sessionKey(this.keyPrefix, id);
  }
  #userSessionsKey(userId: string): string {
    return `${this.keyPrefix}user-sessions:${userId}`;
  }
  #expiryKey(group: number): string {
    return expiryKey(this.keyPrefix, group);
  }
  // The kind's length keeps kinds apart even when a kind or key contains the separator.
  #tempKey(kind: string, key: string): string {
    return `${this.keyPrefix}temp:${kind.length}:${kind}:${key}`;
  }

  async #redis<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof LatchkeyError) throw error;
      throw new StoreError(operation, { cause: error });
    }
  }

  async #exec(multi: ReturnType<Redis['multi']>): Promise<unknown[]> {
    const results = await multi.exec();
    if (results === null) throw new Error('transaction aborted');
    for (const [error] of results) if (error) throw error;
    return results.map(([, value]) => value);
  }

  async #writeSession(session: SessionRow): Promise<void> {
    const key = this.#sessionKey(session.id);
    const userKey = this.#userSessionsKey(session.userId);
    // The index first: a session whose hash write fails leaves an id the next listing drops,
    // never a live session that "sign out everywhere" cannot find.
    await this.#exec(
      this.redis
        .multi()
        .sadd(userKey, session.id)
        // The user's index lives as long as its longest session: set when new, extend only.
        .pexpireat(userKey, session.absoluteExpiresAt, 'NX')
        .pexpireat(userKey, session.absoluteExpiresAt, 'GT'),
    );
    const multi = this.redis
      .multi()
      .hset(key, {
        userId: session.userId,
        secretHash: Buffer.from(session.secretHash).toString('hex'),
        createdAt: session.createdAt,
        lastSeenAt: session.lastSeenAt,
        expiresAt: session.expiresAt,
        absoluteExpiresAt: session.absoluteExpiresAt,
        attributes: session.attributes,
      })
      .pexpireat(key, session.expiresAt)
      .zadd(this.#expiryKey(groupOf(session.id)), session.expiresAt, session.id);
    await this.#exec(multi);
  }

  /** Deletes sessions group by group (one slot each), then drops them from the user's index. */
  async #removeSessions(userId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await Promise.all(
      [...byGroup(ids)].map(([group, members]) =>
        this.#exec(
          this.redis
            .multi()
            .del(...members.map((id) => this.#sessionKey(id)))
            .zrem(this.#expiryKey(group), ...members),
        ),
      ),
    );
    await this.redis.srem(this.#userSessionsKey(userId), ...ids);
  }

  /** @throws LatchkeyError `user_not_found` when `base` has no such user. */
  async createSession(session: SessionRow): Promise<void> {
    if ((await this.base.getUser(session.userId)) === null) {
      throw new LatchkeyError('user_not_found', 'No such user');
    }
    await this.#redis('createSession', () => this.#writeSession(session));
  }

  /** One Redis read of the session hash, then the user from `base`. */
  getSessionAndUser(sessionId: string): Promise<SessionAndUser | null> {
    // `then`s rather than an async function over `#redis`: fewer promises on every request.
    return this.redis.hgetall(this.#sessionKey(sessionId)).then(
      (hash) => {
        const session = toSession(sessionId, hash);
        if (session === null) return null;
        return this.base
          .getUser(session.userId)
          .then((user) => (user === null ? null : { session, user }));
      },
      (error: unknown) => {
        throw new StoreError('getSessionAndUser', { cause: error });
      },
    );
  }

  async updateSessionExpiry(
    sessionId: string,
    expiresAt: number,
    lastSeenAt: number,
  ): Promise<void> {
    await this.#redis('updateSessionExpiry', () =>
      this.redis.eval(
        RENEW,
        2,
        this.#sessionKey(sessionId),
        this.#expiryKey(groupOf(sessionId)),
        expiresAt,
        lastSeenAt,
        sessionId,
      ),
    );
  }

  /** The user's sessions; ids whose hash has expired are dropped from the index on the way. */
  async getUserSessions(userId: string): Promise<SessionRow[]> {
    return this.#redis('getUserSessions', async () => {
      const ids = await this.redis.smembers(this.#userSessionsKey(userId));
      if (ids.length === 0) return [];
      // One read per session (in different slots on a cluster; ioredis sends them together).
      const hashes = await Promise.all(ids.map((id) => this.redis.hgetall(this.#sessionKey(id))));
      const sessions: SessionRow[] = [];
      const dead: string[] = [];
      ids.forEach((id, i) => {
        const session = toSession(id, hashes[i] ?? null);
        if (session === null) dead.push(id);
        else sessions.push(session);
      });
      if (dead.length > 0) {
        await this.redis.srem(this.#userSessionsKey(userId), ...dead);
        for (const [group, members] of byGroup(dead)) {
          await this.redis.zrem(this.#expiryKey(group), ...members);
        }
      }
      return sessions;
    });
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.#redis('deleteSession', async () => {
      const userId = await this.redis.hget(this.#sessionKey(sessionId), 'userId');
      if (userId === null) {
        await this.redis.zrem(this.#expiryKey(groupOf(sessionId)), sessionId);
        return;
      }
      await this.#removeSessions(userId, [sessionId]);
    });
  }

  async deleteUserSessions(userId: string, exceptSessionId?: string): Promise<void> {
    await this.#redis('deleteUserSessions', async () => {
      const ids = await this.redis.smembers(this.#userSessionsKey(userId));
      await this.#removeSessions(
        userId,
        ids.filter((id) => id !== exceptSessionId),
      );
    });
  }

  async setTemp(kind: string, key: string, value: string, expiresAt: number): Promise<void> {
    await this.#redis('setTemp', () =>
      this.redis.set(this.#tempKey(kind, key), value, 'PXAT', expiresAt),
    );
  }

  /** `SET NX PXAT`: an expired record is already gone in Redis, so NX is "add if not live". */
  async addTemp(kind: string, key: string, value: string, expiresAt: number): Promise<boolean> {
    const result = await this.#redis('addTemp', () =>
      this.redis.set(this.#tempKey(kind, key), value, 'PXAT', expiresAt, 'NX'),
    );
    return result === 'OK';
  }

  getTemp(kind: string, key: string): Promise<string | null> {
    return this.#redis('getTemp', () => this.redis.get(this.#tempKey(kind, key)));
  }

  /** `GETDEL`: one atomic command, so of two takers only one gets the value. */
  takeTemp(kind: string, key: string): Promise<string | null> {
    return this.#redis('takeTemp', () => this.redis.getdel(this.#tempKey(kind, key)));
  }

  async deleteTemp(kind: string, key: string): Promise<void> {
    await this.#redis('deleteTemp', () => this.redis.del(this.#tempKey(kind, key)));
  }

  async incrementCounter(
    kind: string,
    key: string,
    expiresAt: number,
  ): Promise<{ count: number; expiresAt: number }> {
    const reply = await this.#redis('incrementCounter', () =>
      this.redis.eval(INCREMENT, 1, this.#tempKey(kind, key), expiresAt),
    );
    const [count, expiry] = reply as [number, number];
    return { count: Number(count), expiresAt: expiry > 0 ? Number(expiry) : expiresAt };
  }

  /**
   * Removes sessions whose idle expiry is at or before `now` (by the caller's clock), in
   * batches per slot group; temporary records need nothing, Redis expires them itself.
   */
  async deleteExpired(now: number): Promise<number> {
    return this.#redis('deleteExpired', async () => {
      let purged = 0;
      for (let group = 0; group < SESSION_GROUPS; group++) {
        const expiry = this.#expiryKey(group);
        for (;;) {
          const ids = await this.redis.zrangebyscore(expiry, '-inf', now, 'LIMIT', 0, 500);
          if (ids.length === 0) break;
          const owners = await Promise.all(
            ids.map((id) => this.redis.hget(this.#sessionKey(id), 'userId')),
          );
          await this.#exec(
            this.redis
              .multi()
              .zrem(expiry, ...ids)
              .del(...ids.map((id) => this.#sessionKey(id))),
          );
          await Promise.all(
            ids.map((id, i) =>
              owners[i] ? this.redis.srem(this.#userSessionsKey(owners[i]), id) : null,
            ),
          );
          purged += ids.length;
        }
      }
      return purged;
    });
  }

  /** Quits the Redis connection when this store opened it; `base` is the app's to close. */
  async close(): Promise<void> {
    await this.#channel?.close();
    if (this.#owned && this.redis.status !== 'end') {
      await this.redis.quit().catch(() => this.redis.disconnect());
    }
  }
}

/** The key of a session's hash (bulk loaders write the same layout). */
export function sessionKey(keyPrefix: string, sessionId: string): string {
  return `${keyPrefix}{s:${groupOf(sessionId)}}:session:${sessionId}`;
}

/** The expiry index of a slot group. */
export function expiryKey(keyPrefix: string, group: number): string {
  return `${keyPrefix}{s:${group}}:session-expiry`;
}

/** Session ids by slot group. */
function byGroup(ids: readonly string[]): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  for (const id of ids) {
    const group = groupOf(id);
    const members = groups.get(group);
    if (members) members.push(id);
    else groups.set(group, [id]);
  }
  return groups;
}

function toSession(id: string, hash: Record<string, string> | null): SessionRow | null {
  if (!hash || hash.userId === undefined || hash.secretHash === undefined) return null;
  return {
    id,
    userId: hash.userId,
    secretHash: new Uint8Array(Buffer.from(hash.secretHash, 'hex')),
    createdAt: Number(hash.createdAt),
    lastSeenAt: Number(hash.lastSeenAt),
    expiresAt: Number(hash.expiresAt),
    absoluteExpiresAt: Number(hash.absoluteExpiresAt),
    attributes: hash.attributes ?? '{}',
  };
}

/**
 * A whole store keeping sessions and short-lived records in Redis with TTLs, and users and
 * accounts in `base` (composed by `composeStore`). `close()` quits the Redis connection when
 * the store opened it; `base` stays open.
 * @throws TypeError when `redis` or `base` is missing.
 * @see https://redis.io/docs/latest/commands/set/ (NX, PXAT) and GETDEL
 */
export function redisStore(options: RedisStoreOptions): Store {
  const redis = new RedisSessionStore(options);
  return composeStore({ users: options.base, sessions: redis, shortLived: redis });
}
