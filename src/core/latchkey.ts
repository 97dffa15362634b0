import type {
  AccountRow,
  SessionAndUser,
  SessionChannel,
  SessionInvalidation,
  SessionRow,
  Store,
  UserRow,
} from '../store.ts';
import { Cookie, cookieName, loopbackHttpPort, readCookie } from './cookies.ts';
import { invalidArgument } from './errors.ts';
import {
  checkId,
  serializeAttributes,
  storeKey,
  toAccount,
  toAccountRow,
  toSession,
  toUser,
} from './rows.ts';
import { randomString } from './random.ts';
import { SessionCache, type SessionCacheOptions, type SessionCacheView } from './session-cache.ts';
import {
  readBearerToken,
  readRequestSession,
  type HeadersLike,
  type SessionTokenSource,
} from './request.ts';
import { generateToken, parseToken, verifySecret } from './session-token.ts';
import type {
  Account,
  AccountKey,
  RegisteredSessionAttributes,
  RegisteredUserAttributes,
  Session,
  SessionValidationResult,
  User,
} from './types.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** Session lifetime policy. All durations are milliseconds. */
export interface SessionOptions {
  /** A session unused for this long expires. Default 14 days. */
  idleTimeout?: number;
  /** A session expires this long after sign-in, however active. Default 90 days. */
  absoluteTimeout?: number;
  /** Renewal writes at most once per this interval (and updates last-seen). Default 1 hour. */
  renewInterval?: number;
}

/** Session cookie policy. */
export interface CookieOptions {
  /** Cookie name; served as `__Host-<name>` over https. Default `latchkey_session`. */
  name?: string;
  /**
   * Allow a plain (not Secure, not `__Host-`) cookie when — and only when — the app's origin for
   * the request is `http://localhost`, `http://127.0.0.1` or `http://[::1]` (any port). Its name
   * carries the port (`latchkey_session_3000`), since browsers share cookies across the ports of
   * a host. For local development only: any other program serving on the same host can still
   * read and set these cookies. Default false.
   */
  insecureLocalhost?: boolean;
  sameSite?: 'lax' | 'strict';
}

export interface LatchkeyConfig {
  store: Store;
  session?: SessionOptions;
  cookie?: CookieOptions;
  /**
   * An in-process cache of validated sessions (off by default); see docs/sessions.md#session-cache.
   * Revocations drop from it at once here, and in other processes through the store's channel.
   */
  sessionCache?: SessionCacheOptions;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

export interface CreateUserInput<UA extends object> {
  attributes: UA;
  /** The first provider account, written in the same transaction. */
  account?: AccountKey;
}

export interface CreateSessionInput<SA extends object> {
  userId: string;
  attributes?: SA;
}

/** A session just created, with its token: the only time the token is ever available. */
export interface CreatedSession<SA extends object> {
  session: Session<SA>;
  token: string;
}

/** What {@link Latchkey.handleRequest} returns: the Lucia v2 style request helper. */
export interface AuthRequest<UA extends object, SA extends object> {
  /** Validates the session cookie. */
  validate(): Promise<SessionValidationResult<UA, SA> | null>;
  /** Validates an `Authorization: Bearer` token. */
  validateBearerToken(): Promise<SessionValidationResult<UA, SA> | null>;
}

/**
 * latchkey's core: users, provider accounts and server-side sessions over a {@link Store}.
 * Knows nothing of HTTP frameworks or OAuth.
 */
export class Latchkey<
  UA extends object = RegisteredUserAttributes,
  SA extends object = RegisteredSessionAttributes,
> {
  readonly store: Store;
  readonly idleTimeout: number;
  readonly absoluteTimeout: number;
  readonly renewInterval: number;
  readonly cookieName: string;
  /** `__Host-<cookieName>`, made once: every request reads it. */
  readonly #hostCookieName: string;
  readonly #insecureLocalhost: boolean;
  readonly #sameSite: 'lax' | 'strict';
  readonly #now: () => number;
  readonly #cache: SessionCache | undefined;
  // Where this process tells the others about revocations: the cache's channel, else the
  // store's — published to even without a local cache, so other processes' caches hear it.
  readonly #channel: SessionChannel | undefined;

  constructor(config: LatchkeyConfig) {
    if (!config || typeof config.store !== 'object') invalidArgument('store', 'is required');
    this.store = config.store;
    this.idleTimeout = config.session?.idleTimeout ?? 14 * DAY;
    this.absoluteTimeout = config.session?.absoluteTimeout ?? 90 * DAY;
    this.renewInterval = config.session?.renewInterval ?? 60 * MINUTE;
    if (!(this.idleTimeout > 0) || !(this.absoluteTimeout >= this.idleTimeout)) {
      invalidArgument('session', 'needs 0 < idleTimeout <= absoluteTimeout');
    }
    if (!(this.renewInterval >= 0) || this.renewInterval >= this.idleTimeout) {
      invalidArgument('session.renewInterval', 'must be shorter than idleTimeout');
    }
    this.cookieName = config.cookie?.name ?? 'latchkey_session';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(this.cookieName)) {
      invalidArgument('cookie.name', 'must be 1-64 letters, digits, _ or -');
    }
    this.#hostCookieName = cookieName(this.cookieName, null);
    this.#insecureLocalhost = config.cookie?.insecureLocalhost ?? false;
    this.#sameSite = config.cookie?.sameSite ?? 'lax';
    this.#now = config.now ?? Date.now;
    const cacheOptions = config.sessionCache;
    this.#channel =
      cacheOptions?.channel === null
        ? undefined
        : (cacheOptions?.channel ?? this.store.sessionChannel ?? undefined);
    if (cacheOptions !== undefined) {
      if (typeof cacheOptions !== 'object' || cacheOptions === null) {
        invalidArgument('sessionCache', 'must be an object');
      }
      this.#cache = new SessionCache(cacheOptions, this.#channel);
    }
  }

  /** The session cache, when `sessionCache` is configured. */
  get sessionCache(): SessionCacheView | undefined {
    return this.#cache;
  }

  /** The current time as the core sees it (the configured clock). */
  now(): number {
    return this.#now();
  }

  // ---- users and accounts ------------------------------------------------------------------

  /**
   * Creates a user, and its first provider account in the same transaction when given.
   * @throws AccountExistsError when the account is already linked (also to a concurrent creation).
   * @throws StoreError when the store fails; nothing is written.
   */
  async createUser(input: CreateUserInput<UA>): Promise<User<UA>> {
    const { user, account } = this.#prepareUser(input);
    await this.store.createUser(user, account);
    return toUser<UA>(user);
  }

  /**
   * Creates a user, its provider account and a first session in one transaction — what a first
   * sign-in does, so that a failure at any step leaves no partial rows.
   */
  async createUserWithSession(
    input: CreateUserInput<UA> & { account: AccountKey; sessionAttributes?: SA },
  ): Promise<{ user: User<UA> } & CreatedSession<SA>> {
    const { user, account } = this.#prepareUser(input);
    const { row, token } = this.#prepareSession(user.id, input.sessionAttributes);
    await this.store.createUser(user, account, row);
    return { user: toUser<UA>(user), session: toSession<SA>(row, false), token };
  }

  #prepareUser(input: CreateUserInput<UA>): { user: UserRow; account: AccountRow | undefined } {
    if (!input || typeof input !== 'object') invalidArgument('input', 'must be an object');
    const now = this.#now();
    const user: UserRow = {
      id: randomString(15),
      attributes: serializeAttributes('attributes', input.attributes),
      createdAt: now,
    };
    const account = input.account ? toAccountRow(user.id, input.account, now) : undefined;
    return { user, account };
  }

  /** The user with this id, or `null`. */
  async getUser(userId: string): Promise<User<UA> | null> {
    if (typeof userId !== 'string' || userId.length === 0 || userId.length > 255) return null;
    const row = await this.store.getUser(userId);
    return row ? toUser<UA>(row) : null;
  }

  /** The user linked to this provider account, or `null`. */
  async getUserByAccount(key: AccountKey): Promise<User<UA> | null> {
    const row = await this.store.getUserByAccount(storeKey(key));
    return row ? toUser<UA>(row) : null;
  }

  /** Replaces the user's attributes and returns the updated user, or `null` when no such user. */
  async updateUserAttributes(userId: string, attributes: UA): Promise<User<UA> | null> {
    checkId('userId', userId);
    const json = serializeAttributes('attributes', attributes);
    const updated = await this.#changed({ userId }, () =>
      this.store.updateUserAttributes(userId, json),
    );
    return updated ? this.getUser(userId) : null;
  }

  /** Deletes a user with all its accounts and sessions. */
  async deleteUser(userId: string): Promise<void> {
    checkId('userId', userId);
    await this.#changed({ userId }, () => this.store.deleteUser(userId));
  }

  /**
   * Runs a write that revokes or changes cached rows, then drops them from this process's cache
   * — after the write, even a failed one, so no read begun before it is cached afterwards — and
   * tells the other processes through the channel.
   * @throws StoreError when the write fails, or the channel could not send the message (the
   * write stands; other processes then learn of it within the cache's TTL).
   */
  async #changed<T>(message: SessionInvalidation, write: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await write();
    } finally {
      this.#cache?.apply(message);
    }
    if (this.#channel !== undefined) await this.#channel.publish(message);
    return result;
  }

  /**
   * Links another provider account to an existing user.
   * @throws AccountExistsError when that account is linked already (to anyone).
   */
  async linkAccount(userId: string, key: AccountKey): Promise<Account> {
    checkId('userId', userId);
    const row = toAccountRow(userId, key, this.#now());
    await this.store.linkAccount(row);
    return toAccount(row);
  }

  /** Unlinks a provider account; `false` when it was not linked. */
  async unlinkAccount(key: AccountKey): Promise<boolean> {
    return this.store.unlinkAccount(storeKey(key));
  }

  /** The account, or `null`. */
  async getAccount(key: AccountKey): Promise<Account | null> {
    const row = await this.store.getAccount(storeKey(key));
    return row ? toAccount(row) : null;
  }

  /** The user's linked provider accounts, oldest first. */
  async getUserAccounts(userId: string): Promise<Account[]> {
    checkId('userId', userId);
    return (await this.store.getUserAccounts(userId)).map(toAccount);
  }

  // ---- sessions ------------------------------------------------------------------------------

  /**
   * Creates a session and returns it with its token — the only time the token exists in clear.
   * @throws LatchkeyError `user_not_found` when the user does not exist.
   */
  async createSession(input: CreateSessionInput<SA>): Promise<CreatedSession<SA>> {
    if (!input || typeof input !== 'object') invalidArgument('input', 'must be an object');
    checkId('userId', input.userId);
    const { row, token } = this.#prepareSession(input.userId, input.attributes);
    await this.store.createSession(row);
    return { session: toSession<SA>(row, false), token };
  }

  #prepareSession(userId: string, attributes: SA | undefined): { row: SessionRow; token: string } {
    const now = this.#now();
    const { token, id, secretHash } = generateToken('session');
    const row: SessionRow = {
      id,
      userId,
      secretHash,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: Math.min(now + this.idleTimeout, now + this.absoluteTimeout),
      absoluteExpiresAt: now + this.absoluteTimeout,
      attributes: serializeAttributes('attributes', attributes),
    };
    return { row, token };
  }

  /**
   * Validates a session token: `{ session, user }`, or `null` when the token is missing,
   * malformed, unknown, expired or has the wrong secret. Renews the idle expiry at most once per
   * `renewInterval`, never past the absolute expiry, and then sets `session.fresh`.
   * @throws StoreError only when the store fails.
   */
  async validateSession(
    token: string | null | undefined,
  ): Promise<SessionValidationResult<UA, SA> | null> {
    const parts = parseToken('session', token);
    if (parts === null) return null;
    const cache = this.#cache;
    let epoch = 0;
    if (cache !== undefined) {
      // A hit answers without any await unless it renews; `undefined` means "ask the store".
      const hit = cache.get(parts.id, this.#now());
      const result = hit === undefined ? undefined : this.#validateCached(parts.secret, hit);
      if (result !== undefined) return result;
      epoch = cache.epoch;
    }
    let found = this.store.getSessionAndUser(parts.id);
    if (found instanceof Promise) found = await found;
    if (found === null) return null;
    const { session, user } = found;
    if (!verifySecret(parts.secret, session.secretHash)) return null;
    const now = this.#now();
    if (now >= session.expiresAt || now >= session.absoluteExpiresAt) {
      await this.store.deleteSession(session.id);
      return null;
    }
    let fresh = false;
    if (now - session.lastSeenAt >= this.renewInterval) {
      await this.#renew(session, now);
      fresh = true;
    }
    if (cache !== undefined) cache.set(found, epoch, now);
    return { session: toSession<SA>(session, fresh), user: toUser<UA>(user) };
  }

  /**
   * A validation from cached rows: the secret and both expiries are checked as on a store read.
   * An expired entry is dropped and the store decides (another process may have renewed it).
   */
  #validateCached(
    secret: string,
    found: SessionAndUser,
  ): SessionValidationResult<UA, SA> | null | Promise<SessionValidationResult<UA, SA>> | undefined {
    const { session, user } = found;
    if (!verifySecret(secret, session.secretHash)) return null;
    const now = this.#now();
    if (now >= session.expiresAt || now >= session.absoluteExpiresAt) {
      this.#cache!.apply({ sessionId: session.id });
      return undefined;
    }
    if (now - session.lastSeenAt < this.renewInterval) {
      return { session: toSession<SA>(session, false), user: toUser<UA>(user) };
    }
    return this.#renew(session, now).then(() => ({
      session: toSession<SA>(session, true),
      user: toUser<UA>(user),
    }));
  }

  /**
   * Moves the idle expiry (never past the absolute one) and last-seen time, in the store and in
   * `session` — which is the cached row on a cache hit, so renewal stays throttled there too.
   */
  async #renew(session: SessionRow, now: number): Promise<void> {
    const expiresAt = Math.min(now + this.idleTimeout, session.absoluteExpiresAt);
    const previous = { expiresAt: session.expiresAt, lastSeenAt: session.lastSeenAt };
    // Marked first, so concurrent hits on one cached row write once.
    session.expiresAt = expiresAt;
    session.lastSeenAt = now;
    try {
      await this.store.updateSessionExpiry(session.id, expiresAt, now);
    } catch (error) {
      Object.assign(session, previous);
      throw error;
    }
  }

  /** Signs one session out. Unknown ids are ignored. */
  async invalidateSession(sessionId: string): Promise<void> {
    if (typeof sessionId !== 'string' || sessionId.length === 0 || sessionId.length > 255) return;
    await this.#changed({ sessionId }, () => this.store.deleteSession(sessionId));
  }

  /** Signs a user out everywhere, or everywhere but `options.except` (the current session id). */
  async invalidateUserSessions(userId: string, options?: { except?: string }): Promise<void> {
    checkId('userId', userId);
    const except = options?.except;
    await this.#changed(
      except === undefined ? { userId } : { userId, exceptSessionId: except },
      () => this.store.deleteUserSessions(userId, except),
    );
  }

  /** The user's live sessions, newest first. */
  async getUserSessions(userId: string): Promise<Session<SA>[]> {
    checkId('userId', userId);
    const now = this.#now();
    return (await this.store.getUserSessions(userId))
      .filter((s) => s.expiresAt > now && s.absoluteExpiresAt > now)
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((s) => toSession<SA>(s, false));
  }

  /** Deletes expired sessions and temporary records; returns how many sessions were purged. */
  async deleteExpiredSessions(): Promise<number> {
    return this.store.deleteExpired(this.#now());
  }

  // ---- requests and cookies ------------------------------------------------------------------
  // One input names the cookie: the app's origin for the request (docs/sessions.md#cookies).

  /** The origin's port when cookies for it are the insecure localhost variant, else `null`. */
  #developmentPort(origin: string | URL | undefined): string | null {
    return this.#insecureLocalhost ? loopbackHttpPort(origin) : null;
  }

  /**
   * The session cookie's name for the app's origin: `__Host-<name>`, or `<name>_<port>` for a
   * loopback `http://` origin when `cookie.insecureLocalhost` is on (`latchkey_session_3000`;
   * no origin: `__Host-`).
   */
  sessionCookieName(origin?: string | URL): string {
    const port = this.#developmentPort(origin);
    return port === null ? this.#hostCookieName : cookieName(this.cookieName, port);
  }

  /** A `Set-Cookie` for the session, expiring with its idle expiry. */
  createSessionCookie(
    token: string,
    session: Pick<Session<SA>, 'expiresAt'>,
    origin?: string | URL,
  ): Cookie {
    return this.#sessionCookie(token, session.expiresAt.getTime(), origin);
  }

  /** A `Set-Cookie` that deletes the session cookie. */
  createBlankSessionCookie(origin?: string | URL): Cookie {
    return this.#sessionCookie('', 0, origin);
  }

  #sessionCookie(value: string, expires: number, origin: string | URL | undefined): Cookie {
    return new Cookie(this.sessionCookieName(origin), value, {
      secure: this.#developmentPort(origin) === null,
      httpOnly: true,
      sameSite: this.#sameSite,
      path: '/',
      expires,
    });
  }

  /** Reads the session token from a `Cookie` header (the name for `origin`, as above). */
  readSessionCookie(cookieHeader: string | null | undefined, origin?: string | URL): string | null {
    return readCookie(cookieHeader, this.sessionCookieName(origin));
  }

  /** Reads the session token from an `Authorization: Bearer` header. */
  readBearerToken(authorizationHeader: string | null | undefined): string | null {
    return readBearerToken(authorizationHeader);
  }

  /**
   * A request-scoped helper in the Lucia v2 style (`auth.handleRequest(c)`): `validate()` reads
   * the session cookie, `validateBearerToken()` the `Authorization` header, both through
   * {@link readRequestSession}. Pass a fetch `Request` (or any object with `headers`), or a
   * context that carries one as `req.raw` (Hono's `c`). The cookie's name follows `origin` —
   * pass `handler.requestOrigin(request)` when the routes run with `origin` or `trustProxy` —
   * else the request's `url`.
   */
  handleRequest(
    source: (HeadersLike & { url?: string }) | { req: { raw: Request } },
    origin?: string | URL,
  ): AuthRequest<UA, SA> {
    const request: HeadersLike & { url?: string } =
      'req' in source && typeof source.req === 'object' && source.req !== null
        ? source.req.raw
        : (source as HeadersLike & { url?: string });
    const at = origin ?? ('url' in request ? request.url : undefined);
    const validate = async (only: SessionTokenSource) =>
      (await readRequestSession(this, request, at, { only }))?.result ?? null;
    return {
      validate: () => validate('cookie'),
      validateBearerToken: () => validate('bearer'),
    };
  }
}

/** Creates latchkey's core over a store. */
export function createLatchkey<
  UA extends object = RegisteredUserAttributes,
  SA extends object = RegisteredSessionAttributes,
>(config: LatchkeyConfig): Latchkey<UA, SA> {
  return new Latchkey<UA, SA>(config);
}
