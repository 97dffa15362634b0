import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import type { PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';
import type { HostOverrides } from './config-fields.ts';

/** `data` of X's `GET /2/users/me` (the fields latchkey asks for; the rest is passed through). */
export interface TwitterUser extends PassThroughFields {
  /** A 64-bit id, sent as a string. */
  id: string;
  name: string;
  /** The handle, without `@`. */
  username: string;
  profile_image_url?: string;
  /** Only with `confirmedEmail` (and the app's email permission): an address X confirmed. */
  confirmed_email?: string;
}

/** Configuration of {@link twitter}. No `clientSecret` for a public client (PKCE only). */
export interface TwitterConfig extends ProviderConfig, Pick<HostOverrides, 'webURL' | 'apiURL'> {
  /** Ask for `confirmed_email` (adds the `users.email` scope). Default false. */
  confirmedEmail?: boolean;
}

/** The X (Twitter) provider; its id stays `twitter` (see docs/providers/twitter.md). */
export type TwitterProvider = OAuthProvider<TwitterUser, 'twitter'>;

/**
 * Sign in with X (OAuth 2.0 with PKCE, always; default scopes `users.read tweet.read`, add
 * `offline.access` for a refresh token). Confidential clients authenticate with HTTP Basic.
 * @see https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
 * @see https://docs.x.com/x-api/users/get-my-user
 */
export function twitter(config: TwitterConfig): TwitterProvider {
  const web = baseURL('webURL', config.webURL, 'https://x.com');
  const api = baseURL('apiURL', config.apiURL, 'https://api.x.com');
  const email = config.confirmedEmail === true;
  const fields = ['profile_image_url', ...(email ? ['confirmed_email'] : [])];
  const withPKCE = { ...config, pkce: true }; // X refuses authorization requests without PKCE
  return defineProvider(withPKCE, {
    id: 'twitter',
    name: 'X',
    issuer: web, // X has no issuer identifier; its web origin names it in account keys
    scopes: ['users.read', 'tweet.read', ...(email ? ['users.email'] : [])],
    endpoints: {
      authorizationEndpoint: `${web}/i/oauth2/authorize`,
      tokenEndpoint: `${api}/2/oauth2/token`,
      userInfoEndpoint: `${api}/2/users/me?user.fields=${fields.join(',')}`,
      revocationEndpoint: `${api}/2/oauth2/revoke`,
    },
    userField: 'data',
    profile: {
      id: 'id',
      idFormat: /^[0-9]{1,20}$/,
      required: ['username'],
      username: 'username',
      name: 'name',
      avatarURL: 'profile_image_url',
      email: 'confirmed_email',
      emailVerified: true, // the field exists only for an address X confirmed
    },
  });
}
