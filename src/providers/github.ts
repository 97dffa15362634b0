import { readJSON } from '../oauth/client.ts';
import { defineProvider, withProviderNamed } from '../oauth/define-provider.ts';
import { profileFrom, withListedEmail, type PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { gitHubHosts, type GitHubHostsConfig } from './github-hosts.ts';

/** GitHub's `/user` (the fields latchkey reads; the rest is passed through). */
export interface GitHubUser extends PassThroughFields {
  id: number;
  login: string;
  name: string | null;
  /** The public email; `null` when the person keeps it private. Not proof of verification. */
  email: string | null;
  avatar_url: string;
  html_url: string;
}

/** Configuration of {@link github}. Works for OAuth Apps and GitHub Apps alike. */
export interface GitHubConfig extends GitHubHostsConfig {
  clientSecret: string;
  /**
   * OAuth Apps: add `offline_access` to the scopes (and allowed scopes), so GitHub issues an
   * 8-hour token with a refresh token even without the app setting. Default `false`.
   */
  offlineAccess?: boolean;
}

/** `offline_access` added to the configured scopes and allowed scopes, when asked for. */
function withOfflineAccess(config: GitHubConfig, defaults: readonly string[]): GitHubConfig {
  if (!config.offlineAccess) return config;
  const add = (list: readonly string[]) => [...new Set([...list, 'offline_access'])];
  const scopes = add(config.scopes ?? defaults);
  return { ...config, scopes, allowedScopes: config.allowedScopes && add(config.allowedScopes) };
}

export type GitHubProvider = OAuthProvider<GitHubUser, 'github'>;

/**
 * GitHub sign-in (OAuth Apps and GitHub Apps, github.com or Enterprise Server). Default scopes
 * `read:user user:email` (GitHub Apps ignore scopes: permissions apply); PKCE S256. OAuth Apps
 * get expiring tokens with a refresh token from their app setting or `offlineAccess`.
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 */
export function github(config: GitHubConfig): GitHubProvider {
  // GitHub takes the client credentials in the form body.
  const { web, api, client, headers, appRequest } = withProviderNamed(
    config,
    { id: 'github', name: 'GitHub' },
    () => gitHubHosts(config, 'client_secret_post'),
  );
  const scopes = ['read:user', 'user:email'];
  return defineProvider(withOfflineAccess(config, scopes), {
    id: 'github',
    name: 'GitHub',
    issuer: `${web}/login/oauth`,
    scopes,
    client,
    async getUser(tokens) {
      const get = (path: string) =>
        client.fetch(`${api}${path}`, {
          headers: { ...headers, authorization: `Bearer ${tokens.accessToken}` },
        });
      const mapped = profileFrom<GitHubUser>('GitHub /user', await readJSON(await get('/user')), {
        id: 'id',
        idFormat: 'integer', // numeric on the wire; account keys are strings
        required: ['login'],
        username: 'login',
        name: 'name',
        avatarURL: 'avatar_url',
      });
      // Only /user/emails says whether an address is verified; without the `user:email` scope
      // (or a GitHub App's email permission) it answers 403/404 and we have no email.
      const emails = await get('/user/emails');
      const list = emails.status === 403 || emails.status === 404 ? [] : await readJSON(emails);
      return withListedEmail(mapped, list, ['primary', 'verified']);
    },
    async revokeToken(token) {
      // GitHub has no RFC 7009 endpoint: DELETE /applications/{client_id}/token. 204 only: it
      // answers 404 both for an unknown token and for wrong app credentials.
      const response = await appRequest('DELETE', 'token', token);
      if (response.status !== 204) await readJSON(response);
    },
  });
}
