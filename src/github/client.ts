// GitHub's REST API as the user: a small authenticated fetch. Tokens come from the vault (which
// refreshes, single-flight, and persists rotations) or from a token set the app restored from
// its own storage plus the GitHub app to refresh it with.
import { invalidArgument } from '../core/errors.ts';
import { checkEndpoint } from '../oauth/client.ts';
import type { AccountKey } from '../core/types.ts';
import { presentationKey } from '../oauth/dpop.ts';
import { ReauthorizationRequiredError } from '../tokens/errors.ts';
import { createResourceSender, type ResourceRequestInit } from '../tokens/resource-request.ts';
import { toProviderTokens, type ProviderTokens } from '../tokens/token-set.ts';
import type { TokenVault } from '../tokens/vault.ts';
import { gitHubError, GitHubRateLimitError } from './errors.ts';
import type { GitHubApp } from './github-app.ts';
import { createUserTokenSource, type TokenSource } from './token-source.ts';

/** Options of {@link createGitHubClient}: either `vault` + `account`, or `tokens` (+ `app`). */
export interface GitHubClientOptions {
  vault?: TokenVault;
  account?: AccountKey;
  /** A token set restored from storage; `accessToken` alone for non-expiring tokens. */
  tokens?: Partial<ProviderTokens> & { accessToken: string };
  /** Only a refresh token: the first use refreshes it into a token set. */
  refreshToken?: string;
  /** Refreshes `tokens`/`refreshToken`; also supplies `apiURL`. */
  app?: GitHubApp;
  /** Called with each new token set (after a refresh) before it is used: store it there. */
  onTokens?: (tokens: ProviderTokens) => void | Promise<void>;
  /** Default: the app's `apiURL`, else `https://api.github.com`. https (http only to loopback). */
  apiURL?: string;
  /** Refresh restored tokens this long before they expire. Default 60 000 ms. */
  refreshMargin?: number;
  fetch?: typeof fetch;
  now?: () => number;
  /**
   * Wait for a rate limit to reset and retry (at most 3 times), when the reset comes within
   * `maxWait` ms of the call. Off by default: a rate limit throws `GitHubRateLimitError` at once.
   */
  rateLimitRetry?: { maxWait: number };
}

// Retries after rate limits, at most: a reset in the past must not become a busy loop.
const MAX_RATE_LIMIT_RETRIES = 3;

/** An authenticated GitHub REST client acting as the user. */
export interface GitHubClient {
  readonly apiURL: string;
  /**
   * Fetches an API path (`/user`) or an absolute URL on `apiURL` with the user's token,
   * refreshing first when the token is expired, and once more after a 401 (then retrying once).
   * @throws TypeError for an absolute URL on another origin (the token never leaves `apiURL`).
   * @throws ReauthorizationRequiredError when no usable token remains.
   * @throws GitHubSSORequiredError, GitHubPermissionsError, GitHubRateLimitError for those
   * refusals (docs/provider-tokens.md); every other answer, error or not, is returned.
   */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** The current valid access token (refreshing first when needed). */
  getAccessToken(): Promise<string>;
  /** Refreshes now and returns the new set (rotation included; `onTokens` sees it first). */
  refresh(): Promise<ProviderTokens>;
}

/**
 * Creates a GitHub REST client acting as the user.
 * @throws TypeError when neither `vault` + `account` nor `tokens`/`refreshToken` is given.
 * @see https://docs.github.com/en/rest/authentication/authenticating-to-the-rest-api
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const source = createTokenSource(options);
  const apiURL = (options.apiURL ?? options.app?.apiURL ?? 'https://api.github.com').replace(
    /\/+$/,
    '',
  );
  const api = checkEndpoint('apiURL', apiURL);
  const doFetch = options.fetch ?? fetch;
  const sendBound = createResourceSender(doFetch, 30_000);

  function resolve(path: string): URL {
    if (typeof path !== 'string' || path.length === 0) invalidArgument('path', 'must be a string');
    const url = /^[a-z][a-z0-9+.-]*:/i.test(path)
      ? new URL(path)
      : new URL(apiURL + (path.startsWith('/') ? path : `/${path}`));
    if (url.origin !== api.origin) invalidArgument('path', 'must be on the API origin');
    return url;
  }

  async function send(url: URL, init: RequestInit | undefined, tokens: ProviderTokens) {
    const headers = new Headers(init?.headers);
    if (!headers.has('accept')) headers.set('accept', 'application/vnd.github+json');
    if (!headers.has('x-github-api-version')) headers.set('x-github-api-version', '2022-11-28');
    // A DPoP-bound set goes with a proof from its key, never as a bearer token.
    if (presentationKey(tokens) !== null) {
      const body = init?.body as ResourceRequestInit['body'];
      return sendBound(tokens, url, { method: init?.method, headers, body });
    }
    headers.set('authorization', `Bearer ${tokens.accessToken}`);
    return doFetch(url, { ...init, headers, redirect: init?.redirect ?? 'manual' });
  }

  async function sendFresh(url: URL, init: RequestInit | undefined): Promise<Response> {
    const before = await source.get();
    const response = await send(url, init, before);
    // A 401 may mean the token died early (revoked, reset, rotated elsewhere): refresh once
    // and retry once.
    if (response.status !== 401 || !replayable(init) || !source.canRefresh(before)) return response;
    await response.body?.cancel();
    const after = await source.refresh(before);
    return send(url, init, after);
  }

  return {
    apiURL,
    async fetch(path, init) {
      const url = resolve(path);
      // Rate-limit resets are wall-clock instants (GitHub's epoch seconds), whatever `now` is.
      const retry = options.rateLimitRetry;
      const deadline = retry === undefined ? -Infinity : Date.now() + retry.maxWait;
      for (let retries = 0; ; retries++) {
        const response = await sendFresh(url, init);
        const error = await gitHubError(response, Date.now());
        if (error === null) return response;
        await response.body?.cancel();
        const wait = error instanceof GitHubRateLimitError ? error.resetAt.getTime() : Infinity;
        if (wait > deadline || retries >= MAX_RATE_LIMIT_RETRIES || !replayable(init)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait - Date.now())));
      }
    },
    async getAccessToken() {
      return (await source.get()).accessToken;
    },
    refresh() {
      return source.refresh(null);
    },
  };
}

/** A streamed body cannot be sent twice, so such a request is never retried. */
function replayable(init: RequestInit | undefined): boolean {
  return !(init?.body instanceof ReadableStream);
}

/** The token source behind a client or the Octokit strategy (internal). */
export function createTokenSource(options: GitHubClientOptions): TokenSource {
  if (!options || typeof options !== 'object') invalidArgument('options', 'must be an object');
  if (options.vault) {
    const { vault, account } = options;
    if (!account) invalidArgument('account', 'is required with vault');
    const need = (tokens: ProviderTokens | null): ProviderTokens => {
      if (!tokens) throw new ReauthorizationRequiredError(account.providerId, 'no_tokens');
      return tokens;
    };
    return {
      get: async () => need(await vault.getValidTokens(account)),
      canRefresh: (tokens) => tokens.refreshToken !== null,
      refresh: async (used) => {
        // Another request may have refreshed already: use that instead of rotating again.
        const stored = used ? await vault.getValidTokens(account) : null;
        if (used && stored && stored.accessToken !== used.accessToken) return stored;
        return need(await vault.refreshTokens(account));
      },
    };
  }
  const initial = options.tokens
    ? toProviderTokens({ tokenType: 'bearer', ...options.tokens } as ProviderTokens)
    : null;
  if (!initial && !options.refreshToken) {
    invalidArgument('tokens', 'or refreshToken, or vault + account, is required');
  }
  return createUserTokenSource({
    initial,
    refreshToken: options.refreshToken ?? null,
    app: options.app ?? null,
    onTokens: options.onTokens,
    refreshMargin: options.refreshMargin ?? 60_000,
    now: options.now ?? Date.now,
  });
}
