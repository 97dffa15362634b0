// An authenticated `fetch` for one linked account, for any provider: the vault's valid access
// token (refreshed before it expires), a DPoP proof for DPoP-bound tokens (one retry on a
// server nonce), and one refresh and retry after a 401. The token only goes to the origins the
// app names, so a URL from elsewhere (user input, a redirect in an API answer) cannot carry it off.
import { invalidArgument } from '../core/errors.ts';
import type { AccountKey } from '../core/types.ts';
import { checkEndpoint } from '../oauth/transport.ts';
import { ReauthorizationRequiredError } from './errors.ts';
import { createResourceSender, type ResourceRequestInit } from './resource-request.ts';
import type { ProviderTokens } from './token-set.ts';
import type { TokenVault } from './vault.ts';

/** Options of {@link createAccountFetch}. */
export interface AccountFetchOptions {
  /** The origins the token may be sent to (`https://api.github.com`). At least one. */
  origins: readonly string[];
  /** The fetch used for the requests (tests, proxies). Default the global `fetch`. */
  fetch?: typeof fetch;
  /** Per-request timeout in ms. Default 30 000. */
  timeout?: number;
}

/** What a request may carry: bodies that can be sent twice (a retry after a refresh). */
export interface AccountFetchInit extends ResourceRequestInit {
  body?: string | Uint8Array | URLSearchParams | null;
}

/** `fetch` with the account's token; answers as the API answered (a 4xx is not thrown). */
export type AccountFetch = (url: string | URL, init?: AccountFetchInit) => Promise<Response>;

/**
 * A fetch for one account's provider API.
 * @throws TypeError on a bad option (no origins, a non-https origin other than loopback)
 * The returned function throws `TypeError` for a URL outside `origins`,
 * {@link ReauthorizationRequiredError} when the account has no usable tokens (`no_tokens`) or its
 * refresh token is dead, `TokenRefreshError` when a refresh failed for a passing reason, and
 * `OAuthResponseError` on a network failure or timeout.
 */
export function createAccountFetch(
  vault: TokenVault,
  account: AccountKey,
  options: AccountFetchOptions,
): AccountFetch {
  const origins = new Set(checkOrigins(options?.origins));
  const send = createResourceSender(options.fetch, options.timeout ?? 30_000);

  return async (input, init = {}) => {
    const url = checkEndpoint('url', String(input));
    if (!origins.has(url.origin)) {
      throw new TypeError(`latchkey: "${url.origin}" is not one of this fetch's origins`);
    }
    const used = await vault.getValidTokens(account);
    if (used === null) throw new ReauthorizationRequiredError(account.providerId, 'no_tokens');
    const first = await send(used, url, init);
    if (first.status !== 401) return first;
    // Once after a 401: tokens another caller refreshed meanwhile, else a refresh of our own.
    const stored = await vault.getTokens(account);
    let next: ProviderTokens | null;
    if (stored !== null && stored.accessToken !== used.accessToken) next = stored;
    else if (used.refreshToken === null) return first;
    else next = await vault.refreshTokens(account);
    if (next === null) return first;
    await first.body?.cancel();
    return send(next, url, init);
  };
}

function checkOrigins(origins: readonly string[] | undefined): string[] {
  if (!Array.isArray(origins) || origins.length === 0) {
    invalidArgument('origins', 'must name at least one origin');
  }
  return origins.map((origin) => {
    if (typeof origin !== 'string') invalidArgument('origins', 'must be strings');
    const url = checkEndpoint('origins', origin);
    if (url.origin !== origin.replace(/\/$/, '')) {
      invalidArgument('origins', `"${origin}" is not an origin (scheme, host and port only)`);
    }
    return url.origin;
  });
}
