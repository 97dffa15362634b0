// GitHub as an OAuth App or GitHub App: the web-flow code exchange, user-token refresh and the
// app-authenticated token endpoints (check, reset, delete token, delete grant) — the server side
// of acting as a GitHub user, over the same client as GitHub sign-in.
import { invalidArgument } from '../core/errors.ts';
import { OAuthResponseError } from '../oauth/errors.ts';
import type { OAuthTokens } from '../oauth/provider.ts';
import { gitHubHosts } from '../providers/github-hosts.ts';

/** Options of {@link createGitHubApp}. */
export interface GitHubAppOptions {
  clientId: string;
  clientSecret: string;
  /** The provider id used for account keys and the token vault. Default `github`. */
  providerId?: string;
  /** GitHub's web origin (GitHub Enterprise, the test double). Default `https://github.com`. */
  baseURL?: string;
  /** The REST API base URL (`https://ghe.example.com/api/v3`). Default `https://api.github.com`. */
  apiURL?: string;
  fetch?: typeof fetch;
  /** Per-request timeout in milliseconds. Default 10 000. */
  timeout?: number;
  /** Clock (ms), for tests. Default `Date.now`. */
  now?: () => number;
}

/** What GitHub says about a token on `POST /applications/{client_id}/token`. */
export interface GitHubTokenInfo {
  id: number;
  scopes: string[];
  expiresAt: Date | null;
  user: { id: number; login: string } | null;
}

/** An OAuth App or GitHub App's client side. It is also a vault {@link TokenProvider}. */
export interface GitHubApp {
  readonly id: string;
  readonly clientId: string;
  readonly baseURL: string;
  readonly apiURL: string;
  /**
   * Exchanges a web-flow code for the user's tokens (with expiries for expiring GitHub App tokens).
   * @throws OAuthRequestError with `.error` `bad_verification_code`, ... (GitHub answers HTTP 200).
   * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#2-users-are-redirected-back-to-your-site-by-github
   */
  exchangeWebCode(
    code: string,
    options?: { codeVerifier?: string | null; redirectURI?: string },
  ): Promise<OAuthTokens>;
  /**
   * Exchanges a refresh token for new tokens; GitHub rotates it (the old one and its access
   * token stop working).
   * @throws OAuthRequestError `bad_refresh_token` when it is dead (HTTP 200 from GitHub).
   * @see https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
   */
  refreshAccessToken(refreshToken: string): Promise<OAuthTokens>;
  /** Deletes a user token (`DELETE /applications/{client_id}/token`). */
  revokeToken(token: string): Promise<void>;
  /** Checks a token; `null` when GitHub does not know it (404). */
  checkToken(token: string): Promise<GitHubTokenInfo | null>;
  /** Resets a token: returns the new access token; the old one stops working. */
  resetToken(token: string): Promise<string>;
  /** Deletes the whole grant (every token of this user for this app). */
  deleteGrant(token: string): Promise<void>;
}

function requireString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0)
    invalidArgument(name, 'must be a non-empty string');
  return value;
}

/**
 * Creates the app-level GitHub client (OAuth App or GitHub App credentials), on the same hosts,
 * client and transport as GitHub sign-in (`github()` from `latchkey/providers`).
 * @throws TypeError when `clientId`/`clientSecret` are missing or a URL is not https (http only
 * to loopback, e.g. the GitHub double).
 */
export function createGitHubApp(options: GitHubAppOptions): GitHubApp {
  const clientId = requireString('clientId', options?.clientId);
  requireString('clientSecret', options.clientSecret);
  const hosts = gitHubHosts(
    {
      ...options,
      endpoints: {
        web: options.baseURL ?? 'https://github.com',
        api: options.apiURL ?? 'https://api.github.com',
      },
    },
    // GitHub takes the client credentials in the form body.
    'client_secret_post',
  );
  const { client } = hosts;
  const appRequest = (method: string, what: 'token' | 'grant', token: string) =>
    hosts.appRequest(method, what, requireString('token', token));

  async function expectNoContent(response: Response, step: string): Promise<void> {
    await response.body?.cancel();
    if (response.status !== 204 && response.status !== 404) {
      throw new OAuthResponseError(`GitHub answered HTTP ${response.status} to ${step}`);
    }
  }

  return {
    id: options.providerId ?? 'github',
    clientId,
    baseURL: hosts.web,
    apiURL: hosts.api,
    exchangeWebCode(code, exchange) {
      // A code exchange without a callback URL to check (the app received the code itself).
      const params: Record<string, string> = { code: requireString('code', code) };
      if (exchange?.redirectURI) params.redirect_uri = exchange.redirectURI;
      if (exchange?.codeVerifier) params.code_verifier = exchange.codeVerifier;
      return client.grant('authorization_code', params);
    },
    refreshAccessToken(refreshToken) {
      return client.refreshAccessToken(requireString('refreshToken', refreshToken));
    },
    async revokeToken(token) {
      // 404: GitHub no longer knows the token, which is what revocation wants.
      await expectNoContent(await appRequest('DELETE', 'token', token), 'a token deletion');
    },
    async deleteGrant(token) {
      await expectNoContent(await appRequest('DELETE', 'grant', token), 'a grant deletion');
    },
    async checkToken(token) {
      const response = await appRequest('POST', 'token', token);
      if (response.status === 404 || response.status === 422) {
        await response.body?.cancel();
        return null;
      }
      return toTokenInfo(response, 'a token check');
    },
    async resetToken(token) {
      const response = await appRequest('PATCH', 'token', token);
      const body = await readObject(response, 'a token reset');
      if (typeof body.token !== 'string') throw new OAuthResponseError('GitHub sent no token');
      return body.token;
    },
  };
}

async function readObject(response: Response, step: string): Promise<Record<string, unknown>> {
  if (!response.ok) {
    await response.body?.cancel();
    throw new OAuthResponseError(`GitHub answered HTTP ${response.status} to ${step}`);
  }
  try {
    const body = (await response.json()) as unknown;
    if (body && typeof body === 'object') return body as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new OAuthResponseError(`GitHub sent no JSON object to ${step}`);
}

async function toTokenInfo(response: Response, step: string): Promise<GitHubTokenInfo> {
  const body = await readObject(response, step);
  const user = body.user as { id?: unknown; login?: unknown } | null | undefined;
  const expires = typeof body.expires_at === 'string' ? Date.parse(body.expires_at) : NaN;
  return {
    id: typeof body.id === 'number' ? body.id : 0,
    scopes: Array.isArray(body.scopes) ? body.scopes.filter((s) => typeof s === 'string') : [],
    expiresAt: Number.isFinite(expires) ? new Date(expires) : null,
    user:
      user && typeof user.id === 'number' && typeof user.login === 'string'
        ? { id: user.id, login: user.login }
        : null,
  };
}
