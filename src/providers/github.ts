import { OAuthClient, checkEndpoint, readJSON } from '../oauth/client.ts';
import { OAuthRequestError, OAuthResponseError } from '../oauth/errors.ts';
import type { OAuthProvider, ProviderProfile } from '../oauth/provider.ts';
import { providerFactory } from '../oauth/provider-auth.ts';

/** GitHub's `/user` (the fields latchkey reads; the rest is passed through). */
export interface GitHubUser {
  id: number;
  login: string;
  name: string | null;
  /** The public email; `null` when the person keeps it private. Not proof of verification. */
  email: string | null;
  avatar_url: string;
  html_url: string;
  [field: string]: unknown;
}

/** Configuration of {@link github}. Works for OAuth Apps and GitHub Apps alike. */
export interface GitHubConfig {
  clientId: string;
  clientSecret: string;
  /** The callback URL (required when used as `github(auth, config)`). */
  redirectURI?: string;
  /** Default `read:user user:email` (GitHub Apps ignore scopes; permissions apply instead). */
  scopes?: readonly string[];
  /** Scopes a `?scope=` override may ask for. Default: `scopes`. */
  allowedScopes?: readonly string[];
  /** PKCE S256; GitHub supports it. Default `true`. */
  pkce?: boolean;
  /** GitHub Enterprise Server base URL, e.g. `https://github.example.com`. */
  enterpriseURL?: string;
  /** Explicit web and API base URLs (a local GitHub double); overrides `enterpriseURL`. */
  endpoints?: { web: string; api: string };
  fetch?: typeof fetch;
  timeout?: number;
}

/** The GitHub provider. */
export type GitHubProvider = OAuthProvider<GitHubUser, 'github'>;

function createGitHub(config: GitHubConfig): GitHubProvider {
  const base = config.enterpriseURL?.replace(/\/+$/, '');
  const web = checkEndpoint('web', config.endpoints?.web ?? base ?? 'https://github.com').origin;
  // GHES serves its REST API under /api/v3 on the same host; github.com uses api.github.com.
  const api = (
    config.endpoints?.api ?? (base ? `${base}/api/v3` : 'https://api.github.com')
  ).replace(/\/+$/, '');
  checkEndpoint('api', api);
  const issuer = `${web}/login/oauth`;
  const tokenEndpoint = `${web}/login/oauth/access_token`;
  const baseFetch = config.fetch ?? ((input, init) => fetch(input, init));
  // GitHub answers token endpoint errors (bad_verification_code, bad_refresh_token...) with
  // HTTP 200 and an `error` body; oauth4webapi expects 4xx, so we raise them here.
  const githubFetch: typeof fetch = async (input, init) => {
    const response = await baseFetch(input, init);
    if (String(input) !== tokenEndpoint || response.status !== 200) return response;
    const body = (await response
      .clone()
      .json()
      .catch(() => null)) as Record<string, unknown> | null;
    if (typeof body?.error === 'string')
      throw new OAuthRequestError(body.error, body.error_description, 200);
    return response;
  };
  const client = new OAuthClient(
    {
      issuer,
      authorization_endpoint: `${web}/login/oauth/authorize`,
      token_endpoint: tokenEndpoint,
      // github.com always sends `iss` on the callback (RFC 9207); older GHES releases do not,
      // so only there may it be missing (a present one is still checked).
      authorization_response_iss_parameter_supported:
        base === undefined || config.endpoints !== undefined,
    },
    // GitHub takes the client credentials in the form body.
    { ...config, clientAuthMethod: 'client_secret_post', fetch: githubFetch },
  );
  // GitHub's recommended media type and a pinned API version, so answers keep their shape.
  const apiHeaders = {
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
  };
  const defaultScopes = config.scopes ?? ['read:user', 'user:email'];
  return {
    id: 'github',
    name: 'GitHub',
    issuer,
    defaultScopes,
    allowedScopes: config.allowedScopes ?? defaultScopes,
    pkce: client.pkce,
    createAuthorizationURL: (o) =>
      client.createAuthorizationURL({ ...o, scopes: o.scopes ?? defaultScopes }),
    validateAuthorizationCode: (o) => client.validateAuthorizationCode(o),
    refreshAccessToken: (token) => client.refreshAccessToken(token),
    async getUser(tokens) {
      const user = (await client.fetchJSON(
        `${api}/user`,
        tokens.accessToken,
        apiHeaders,
      )) as GitHubUser;
      if (typeof user?.id !== 'number' || typeof user.login !== 'string') {
        throw new OAuthResponseError('GitHub /user answered without a numeric id and login');
      }
      // Only /user/emails says whether an address is verified; without the `user:email` scope
      // (or a GitHub App's email permission) it answers 403/404 and we have no email.
      const emails = await client.fetch(`${api}/user/emails`, {
        headers: { ...apiHeaders, authorization: `Bearer ${tokens.accessToken}` },
      });
      let email: string | null = null;
      if (emails.status !== 403 && emails.status !== 404) {
        const list = (await readJSON(emails)) as {
          email: string;
          primary: boolean;
          verified: boolean;
        }[];
        email =
          (Array.isArray(list) && list.find((e) => e?.primary && e.verified === true)?.email) ||
          null;
      }
      const profile: ProviderProfile = {
        providerUserId: String(user.id), // numeric on the wire; account keys are strings
        email,
        emailVerified: email !== null,
        name: typeof user.name === 'string' ? user.name : null,
        username: user.login,
        avatarURL: typeof user.avatar_url === 'string' ? user.avatar_url : null,
      };
      return { profile, user };
    },
    async revokeToken(token) {
      // GitHub has no RFC 7009 endpoint: DELETE /applications/{client_id}/token with Basic auth.
      const credentials = new TextEncoder().encode(`${config.clientId}:${config.clientSecret}`);
      const response = await client.fetch(
        `${api}/applications/${encodeURIComponent(config.clientId)}/token`,
        {
          method: 'DELETE',
          headers: {
            ...apiHeaders,
            authorization: `Basic ${btoa(String.fromCharCode(...credentials))}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ access_token: token }),
        },
      );
      // 204 only: GitHub answers 404 both for an unknown token and for wrong app credentials.
      if (response.status !== 204) await readJSON(response);
    },
  };
}

/**
 * GitHub sign-in (OAuth Apps and GitHub Apps, github.com or Enterprise Server). `github(config)`
 * returns the provider; `github(auth, config)` the seeds' `ProviderAuth`.
 * @throws TypeError on a bad configuration (missing client id, non-https endpoints)
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 */
export const github = providerFactory(createGitHub);
