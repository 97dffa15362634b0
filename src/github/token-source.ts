// Where the GitHub client and the Octokit strategy get the user's token when no vault is used:
// a restored token set (and/or refresh token) kept in memory, refreshed single-flight.
import { ReauthorizationRequiredError, TokenRefreshError } from '../tokens/errors.ts';
import { mergeRefreshed, toProviderTokens, type ProviderTokens } from '../tokens/token-set.ts';
import type { GitHubApp } from './github-app.ts';

/** A supplier of valid user tokens. */
export interface TokenSource {
  get(): Promise<ProviderTokens>;
  /** Whether a refresh could help after a 401 with `used`. */
  canRefresh(used: ProviderTokens): boolean;
  /** Refreshes, unless the set already moved on from `used` (then returns the newer set). */
  refresh(used: ProviderTokens | null): Promise<ProviderTokens>;
}

export interface UserTokenSourceOptions {
  initial: ProviderTokens | null;
  refreshToken: string | null;
  app: GitHubApp | null;
  onTokens: ((tokens: ProviderTokens) => void | Promise<void>) | undefined;
  refreshMargin: number;
  now: () => number;
}

const DEAD = new Set(['bad_refresh_token', 'invalid_grant']);

/** An in-memory token source over restored tokens (no persistence but `onTokens`). */
export function createUserTokenSource(options: UserTokenSourceOptions): TokenSource {
  let current: ProviderTokens | null = options.initial;
  let refreshToken = options.initial?.refreshToken ?? options.refreshToken;
  let dead = false;
  let inflight: Promise<ProviderTokens> | null = null;
  const app = options.app;
  const providerId = app?.id ?? 'github';

  const fresh = (t: ProviderTokens): boolean =>
    t.accessTokenExpiresAt === null ||
    t.accessTokenExpiresAt.getTime() - options.now() > options.refreshMargin;

  function doRefresh(): Promise<ProviderTokens> {
    if (inflight) return inflight;
    inflight = (async () => {
      if (dead) throw new ReauthorizationRequiredError(providerId, 'marked');
      if (!refreshToken || !app) {
        throw new ReauthorizationRequiredError(providerId, 'no_refresh_token');
      }
      let next: ProviderTokens;
      try {
        const got = await app.refreshAccessToken(refreshToken);
        next = current ? mergeRefreshed(current, got) : toProviderTokens(got);
        if (next.refreshToken === null) next.refreshToken = refreshToken;
      } catch (error) {
        const code = (error as { error?: unknown }).error;
        if (typeof code === 'string' && DEAD.has(code)) {
          dead = true;
          throw new ReauthorizationRequiredError(providerId, 'refresh_token_rejected', {
            cause: error,
          });
        }
        throw new TokenRefreshError(providerId, 'no new tokens were received', { cause: error });
      }
      current = next;
      refreshToken = next.refreshToken;
      // The app stores the rotated set before anyone uses it (the old refresh token is spent).
      await options.onTokens?.(next);
      return next;
    })().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  return {
    async get() {
      if (inflight) return inflight;
      if (current && fresh(current)) return current;
      if (current && !refreshToken) {
        if (current.accessTokenExpiresAt!.getTime() > options.now()) return current;
        throw new ReauthorizationRequiredError(providerId, 'no_refresh_token');
      }
      return doRefresh();
    },
    canRefresh: (used) => (used.refreshToken ?? refreshToken) !== null && app !== null,
    async refresh(used) {
      if (used && current && current.accessToken !== used.accessToken) return current;
      return doRefresh();
    },
  };
}
