// Fixed-window rate limiting over the store's atomic counters, so every process behind a load
// balancer shares one count. Counters are temporary records: they expire with their window.
import type { Store } from '../store.ts';
import { addressBucket, DEFAULT_IPV6_PREFIX } from './ip-address.ts';

/** Limits per route group, per client address, per window. */
export interface RateLimitOptions {
  /** Window length in milliseconds. Default 60 000. */
  window?: number;
  /** Sign-in and link starts (`GET {base}/{provider}`) per window. Default 30. */
  signIn?: number;
  /** Provider callbacks per window. Default 30. */
  callback?: number;
  /** Token, device and other credential routes per window. Default 30. */
  token?: number;
  /**
   * Back-channel logout tokens (`POST {base}/{provider}/backchannel-logout`) per window. Default
   * 600: a provider ending many sessions at once posts from few addresses, and a dropped logout
   * leaves a session alive, so this only caps a flood of signatures to verify.
   */
  backchannel?: number;
  /**
   * IPv6 clients are counted per network of this many leading bits, since one client commonly
   * holds a whole /64 (or more); an integer from 48 to 128. Default 64. IPv4 clients (and
   * IPv4-mapped IPv6 addresses) are counted per address.
   */
  ipv6Prefix?: number;
}

/** A route group that is rate limited. */
export type RateLimitGroup = 'signIn' | 'callback' | 'token' | 'backchannel';

/** The outcome of one counted request. */
export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window ends (for `Retry-After`). */
  retryAfter: number;
}

/** Counts requests per group and client address in fixed windows. */
export interface RateLimiter {
  /** Counts one request; `allowed` is false past the group's limit. */
  hit(group: RateLimitGroup, clientAddress: string): Promise<RateLimitResult>;
}

/**
 * Creates a limiter over `store.incrementCounter` (kind `rate-limit`). IPv6 clients are counted
 * per `ipv6Prefix` network, IPv4 clients per address (see {@link addressBucket}).
 * @throws TypeError for non-positive limits or windows, or an `ipv6Prefix` outside 48–128.
 */
export function createRateLimiter(
  store: Store,
  options: RateLimitOptions = {},
  now: () => number = Date.now,
): RateLimiter {
  const window = options.window ?? 60_000;
  const limits: Record<RateLimitGroup, number> = {
    signIn: options.signIn ?? 30,
    callback: options.callback ?? 30,
    token: options.token ?? 30,
    backchannel: options.backchannel ?? 600,
  };
  if (!(window > 0) || !Object.values(limits).every((n) => Number.isInteger(n) && n > 0)) {
    throw new TypeError(
      'latchkey: "rateLimit" needs a positive window and positive integer limits',
    );
  }
  const ipv6Prefix = options.ipv6Prefix ?? DEFAULT_IPV6_PREFIX;
  if (!Number.isInteger(ipv6Prefix) || ipv6Prefix < 48 || ipv6Prefix > 128) {
    throw new TypeError('latchkey: "rateLimit.ipv6Prefix" must be an integer from 48 to 128');
  }
  return {
    async hit(group, clientAddress) {
      const t = now();
      const windowStart = t - (t % window);
      // The window start is part of the key, so a window never outlives its expiry even in a
      // store that only purges lazily; the bucket is at most 64 characters of the address.
      const key = `${group}:${windowStart}:${addressBucket(clientAddress, ipv6Prefix)}`;
      const { count, expiresAt } = await store.incrementCounter(
        'rate-limit',
        key,
        windowStart + window,
      );
      return {
        allowed: count <= limits[group],
        retryAfter: Math.max(1, Math.ceil((expiresAt - t) / 1000)),
      };
    },
  };
}
