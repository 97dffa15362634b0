// GitHub as an OAuth App or GitHub App: the web-flow code exchange, user-token refresh and the
// app-authenticated token endpoints (check, reset, delete token, delete grant). githubkit's
// `OAuthAppAuthStrategy` + `as_web_user(code).exchange_token()` in TypeScript.
import { invalidArgument } from '../core/errors.ts';
import { OAuthRequestError, OAuthResponseError } from '../oauth/errors.ts';
import type { OAuthTokens } from '../oauth/provider.ts';
import { tokensFromResponse, type TokenResponseFields } from '../oauth/tokens.ts';

/** Options of {@link createGitHubApp}. */
export interface GitHubAppOptions {
  clientId: string;
  clientSecret: string;
  /** The provider id used for account keys and the token vault. Default `github`. */
  providerId?: string;
  /** GitHub's web origin (GitHub Enterprise, the test double). Default `https://github.com`. */
  baseURL?: string;
  /** The REST API origin. Default `https://api.github.com`. */
  apiURL?: string;
  fetch?: typeof fetch;
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

function origin(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    invalidArgument(name, 'must be an absolute URL');
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * Reads a GitHub token endpoint response. GitHub answers errors with HTTP 200 and an `error`
 * field, so the body decides, not the status.
 */
export async function readGitHubTokenResponse(
  response: Response,
  now: number,
): Promise<OAuthTokens> {
  let body: Record<string, unknown>;
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch (cause) {
    throw new OAuthResponseError(`GitHub's token endpoint sent no JSON (HTTP ${response.status})`, {
      cause,
    });
  }
  if (!body || typeof body !== 'object') throw new OAuthResponseError('GitHub sent no token');
  if (typeof body.error === 'string') {
    throw new OAuthRequestError(body.error, body.error_description, response.status);
  }
  if (!response.ok || typeof body.access_token !== 'string' || body.access_token === '') {
    throw new OAuthResponseError(
      `GitHub's token endpoint answered HTTP ${response.status} without a token`,
    );
  }
  return tokensFromResponse(
    {
      ...(body as object),
      token_type: typeof body.token_type === 'string' ? body.token_type : 'bearer',
    } as TokenResponseFields,
    response.headers.get('date'),
    now,
    null,
  );
}

/**
 * Creates the app-level GitHub client (OAuth App or GitHub App credentials).
 * @throws TypeError when `clientId`/`clientSecret` are missing or a URL is invalid.
 */
export function createGitHubApp(options: GitHubAppOptions): GitHubApp {
  const clientId = requireString('clientId', options?.clientId);
  const clientSecret = requireString('clientSecret', options.clientSecret);
  const baseURL = origin('baseURL', options.baseURL ?? 'https://github.com');
  const apiURL = origin('apiURL', options.apiURL ?? 'https://api.github.com');
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const basic = `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`)}`;
  const appPath = (what: 'token' | 'grant') =>
    `${apiURL}/applications/${encodeURIComponent(clientId)}/${what}`;

  async function tokenRequest(params: Record<string, string>): Promise<OAuthTokens> {
    let response: Response;
    try {
      response = await doFetch(`${baseURL}/login/oauth/access_token`, {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, ...params }),
        redirect: 'manual',
      });
    } catch (cause) {
      throw new OAuthResponseError('The request to GitHub failed', { cause });
    }
    return readGitHubTokenResponse(response, now());
  }

  async function appRequest(
    method: string,
    what: 'token' | 'grant',
    token: string,
  ): Promise<Response> {
    requireString('token', token);
    try {
      return await doFetch(appPath(what), {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: basic,
          'content-type': 'application/json',
          'x-github-api-version': '2022-11-28',
        },
        body: JSON.stringify({ access_token: token }),
        redirect: 'manual',
      });
    } catch (cause) {
      throw new OAuthResponseError('The request to GitHub failed', { cause });
    }
  }

  async function expectNoContent(response: Response, step: string): Promise<void> {
    await response.body?.cancel();
    if (response.status !== 204 && response.status !== 404) {
      throw new OAuthResponseError(`GitHub answered HTTP ${response.status} to ${step}`);
    }
  }

  return {
    id: options.providerId ?? 'github',
    clientId,
    baseURL,
    apiURL,
    exchangeWebCode(code, exchange) {
      const params: Record<string, string> = { code: requireString('code', code) };
      if (exchange?.redirectURI) params.redirect_uri = exchange.redirectURI;
      if (exchange?.codeVerifier) params.code_verifier = exchange.codeVerifier;
      return tokenRequest(params);
    },
    refreshAccessToken(refreshToken) {
      return tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: requireString('refreshToken', refreshToken),
      });
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
      const body = await readJSON(response, 'a token reset');
      if (typeof body.token !== 'string') throw new OAuthResponseError('GitHub sent no token');
      return body.token;
    },
  };
}

async function readJSON(response: Response, step: string): Promise<Record<string, unknown>> {
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
  const body = await readJSON(response, step);
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
