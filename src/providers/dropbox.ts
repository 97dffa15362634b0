import { readJSON } from '../oauth/client.ts';
import type { OAuthClient } from '../oauth/client.ts';
import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { OAuthRequestError } from '../oauth/errors.ts';
import { profileFrom, type PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';
import type { HostOverrides } from './config-fields.ts';

/** Dropbox's `users/get_current_account` (the fields latchkey reads; the rest is passed through). */
export interface DropboxUser extends PassThroughFields {
  /** `dbid:` and 40 characters in all: the stable account id. */
  account_id: string;
  name: { display_name?: string; familiar_name?: string; given_name?: string; surname?: string };
  /** Not proof of ownership without `email_verified`. */
  email: string;
  email_verified: boolean;
  profile_photo_url?: string;
  disabled?: boolean;
}

/** Configuration of {@link dropbox}. No `clientSecret` for a PKCE-only (public) app. */
export interface DropboxConfig extends ProviderConfig, Pick<HostOverrides, 'baseURL' | 'apiURL'> {
  /** `offline` (default): a refresh token too; `online`: a short-lived access token only. */
  tokenAccessType?: 'offline' | 'online';
}

export type DropboxProvider = OAuthProvider<DropboxUser, 'dropbox'>;

/**
 * Sign in with Dropbox (OAuth 2.0; default scope `account_info.read`, PKCE S256, refresh tokens
 * via `token_access_type=offline`). Plain OAuth 2.0 rather than Dropbox's OpenID Connect: its
 * userinfo route is marked preview, while `get_current_account` is stable and works for every app.
 * @see https://developers.dropbox.com/oauth-guide
 * @see https://www.dropbox.com/developers/documentation/http/documentation#users-get_current_account
 */
export function dropbox(config: DropboxConfig): DropboxProvider {
  const web = baseURL('baseURL', config.baseURL, 'https://www.dropbox.com');
  const api = baseURL('apiURL', config.apiURL, 'https://api.dropboxapi.com');
  // Dropbox's RPC routes are POSTs; one without arguments takes no body at all.
  const rpc = (client: OAuthClient, route: string, token: string) =>
    client.fetch(`${api}/2/${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
  return defineProvider(config, {
    id: 'dropbox',
    name: 'Dropbox',
    issuer: web,
    scopes: ['account_info.read'],
    params: { token_access_type: config.tokenAccessType ?? 'offline' },
    endpoints: {
      authorizationEndpoint: `${web}/oauth2/authorize`,
      tokenEndpoint: `${api}/oauth2/token`,
      userInfoEndpoint: `${api}/2/users/get_current_account`,
    },
    async getUser(tokens, client) {
      const route = 'users/get_current_account';
      const answer = await readJSON(await rpc(client, route, tokens.accessToken));
      return profileFrom<DropboxUser>('Dropbox users/get_current_account', answer, {
        id: 'account_id',
        idFormat: /^dbid:[A-Za-z0-9_-]{1,64}$/,
        name: (user) => user.name?.display_name,
        avatarURL: 'profile_photo_url',
        email: 'email',
        emailVerified: 'email_verified',
      });
    },
    // /2/auth/token/revoke ends the access token it is called with, and its refresh token. A
    // refresh token is revoked through a fresh access token; one that no longer refreshes is dead.
    async revokeToken(token, client) {
      const response = await rpc(client, 'auth/token/revoke', token);
      if (response.ok) return void (await response.body?.cancel());
      if (response.status !== 401) return void (await readJSON(response));
      await response.body?.cancel();
      const fresh = await client.refreshAccessToken(token).catch((error: unknown) => {
        if (error instanceof OAuthRequestError && error.error === 'invalid_grant') return null;
        throw error;
      });
      if (fresh) await readJSON(await rpc(client, 'auth/token/revoke', fresh.accessToken));
    },
  });
}
