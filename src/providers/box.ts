import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import type { PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';

/** Box's `GET /2.0/users/me` (a full user object; the fields latchkey reads). */
export interface BoxUser extends PassThroughFields {
  id: string;
  type: 'user';
  name?: string;
  /** The address the user signs in with; unverified (admins create users with any login). */
  login?: string;
  avatar_url?: string;
}

export interface BoxConfig extends ConfidentialConfig, Pick<HostOverrides, 'apiURL'> {
  /** Authorization origin override (a local double). Default `https://account.box.com`. */
  accountURL?: string;
}

export type BoxProvider = OAuthProvider<BoxUser, 'box'>;

/**
 * Sign in with Box (OAuth 2.0, a Custom App with user authentication; no default scopes: the
 * app's apply). Refresh tokens are single use and last 60 days.
 * @see https://developer.box.com/guides/authentication/oauth2/
 * @see https://developer.box.com/reference/get-users-me/
 */
export function box(config: BoxConfig): BoxProvider {
  const account = baseURL('accountURL', config.accountURL, 'https://account.box.com');
  const api = baseURL('apiURL', config.apiURL, 'https://api.box.com');
  return defineProvider(config, {
    id: 'box',
    name: 'Box',
    issuer: account,
    scopes: [],
    clientAuthMethod: 'client_secret_post', // Box reads client_id and client_secret from the body
    endpoints: {
      authorizationEndpoint: `${account}/api/oauth2/authorize`,
      tokenEndpoint: `${api}/oauth2/token`,
      userInfoEndpoint: `${api}/2.0/users/me`,
      revocationEndpoint: `${api}/oauth2/revoke`,
    },
    profile: {
      id: 'id',
      idFormat: /^[0-9]+$/,
      name: 'name',
      avatarURL: 'avatar_url',
    },
  });
}
