import { baseURL } from '../oauth/define-provider.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';
import type { OIDCClaims } from '../oauth/oidc-user.ts';
import { oidc } from './oidc.ts';

/** GitLab's ID token claims merged with `/oauth/userinfo` (same `sub`, checked). */
export interface GitLabUser extends OIDCClaims {
  /** The numeric user id, as a string. */
  sub: string;
  /** The username (`preferred_username` on GitLab 15.x and later). */
  nickname?: string;
  groups?: string[];
}

/**
 * Configuration of {@link gitlab}. No `clientSecret` for a public (non-confidential) application;
 * add the `read_user` scope to call the REST API with the token.
 */
export interface GitLabConfig extends ProviderConfig {
  /**
   * The instance URL, the OIDC issuer: `https://gitlab.example.com`, or with a relative URL
   * root `https://example.com/gitlab`. Default `https://gitlab.com`.
   */
  baseURL?: string;
}

export type GitLabProvider = OAuthProvider<GitLabUser, 'gitlab'>;

/**
 * Sign in with GitLab (gitlab.com or a self-managed instance) over OpenID Connect; default
 * scopes `openid profile email`, PKCE S256. Access tokens last two hours and every refresh
 * rotates the refresh token (the token vault persists the new one before using it).
 * @see https://docs.gitlab.com/integration/openid_connect_provider/
 * @see https://docs.gitlab.com/api/oauth2/
 */
export function gitlab(config: GitLabConfig): GitLabProvider {
  // The issuer is exactly the instance URL, without a trailing slash (as discovery names it).
  const issuer = baseURL('baseURL', config.baseURL, 'https://gitlab.com');
  const scopes = config.scopes ?? ['openid', 'profile', 'email'];
  return oidc<GitLabUser, 'gitlab'>({
    ...config,
    id: 'gitlab',
    name: 'GitLab',
    issuer,
    scopes,
    // Older GitLab releases send the username only as `nickname`.
    profile: { username: ['preferred_username', 'nickname'] },
  });
}
