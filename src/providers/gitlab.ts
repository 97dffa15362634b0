import type { OAuthProvider } from '../oauth/provider.ts';
import { providerFactory } from '../oauth/provider-auth.ts';
import { oidc, type OIDCUser } from './oidc.ts';

/** GitLab's ID token claims merged with `/oauth/userinfo` (same `sub`, checked). */
export interface GitLabUser extends OIDCUser {
  /** The numeric user id, as a string. */
  sub: string;
  /** The username (`preferred_username` on GitLab 15.x and later). */
  nickname?: string;
  preferred_username?: string;
  email?: string;
  email_verified?: boolean;
  groups?: string[];
}

/** Configuration of {@link gitlab}. */
export interface GitLabConfig {
  clientId: string;
  /** Absent for public (non-confidential) applications. */
  clientSecret?: string;
  redirectURI?: string;
  /** Default `openid profile email`; add `read_user` to call the REST API with the token. */
  scopes?: readonly string[];
  allowedScopes?: readonly string[];
  /** PKCE S256. Default `true`. */
  pkce?: boolean;
  /**
   * The instance URL, the OIDC issuer: `https://gitlab.example.com`, or with a relative URL
   * root `https://example.com/gitlab`. Default `https://gitlab.com`.
   */
  baseURL?: string;
  fetch?: typeof fetch;
  timeout?: number;
}

/** The GitLab provider. */
export type GitLabProvider = OAuthProvider<GitLabUser, 'gitlab'>;

function createGitLab(config: GitLabConfig): GitLabProvider {
  // The issuer is exactly the instance URL, without a trailing slash (as discovery names it).
  const issuer = (config.baseURL ?? 'https://gitlab.com').replace(/\/+$/, '');
  const base = oidc({
    ...config,
    id: 'gitlab',
    name: 'GitLab',
    issuer,
    scopes: config.scopes ?? ['openid', 'profile', 'email'],
  }) as OAuthProvider<GitLabUser>;
  return {
    ...base,
    id: 'gitlab',
    // Access tokens last two hours and every refresh rotates the refresh token: the old one is
    // revoked, so the token vault must persist the new one before using it.
    refreshAccessToken: (token) => base.refreshAccessToken(token),
    async getUser(tokens) {
      const { profile, user } = await base.getUser(tokens);
      // Older GitLab releases send the username only as `nickname`.
      const username =
        profile.username ?? (typeof user.nickname === 'string' ? user.nickname : null);
      return { profile: { ...profile, username }, user };
    },
  };
}

/**
 * Sign in with GitLab (gitlab.com or a self-managed instance), over OpenID Connect.
 * `gitlab(config)` returns the provider; `gitlab(auth, config)` the seeds' `ProviderAuth`.
 * @throws TypeError on a bad configuration (missing client id, non-https base URL)
 * @see https://docs.gitlab.com/integration/openid_connect_provider/
 * @see https://docs.gitlab.com/api/oauth2/
 */
export const gitlab = providerFactory(createGitLab);
