import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { joinName, text, type PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';

/** Zoom's `GET /v2/users/me` (the fields latchkey reads; the rest is passed through). */
export interface ZoomUser extends PassThroughFields {
  id: string;
  email?: string;
  /** `1` when the account's email address is verified, `0` when not: a number, not a boolean. */
  verified?: number;
  display_name?: string;
  first_name?: string;
  last_name?: string;
  pic_url?: string;
  account_id?: string;
}

/** Configuration of {@link zoom} (Zoom authenticates the client with HTTP Basic). */
export interface ZoomConfig extends ConfidentialConfig, Pick<HostOverrides, 'baseURL' | 'apiURL'> {}

export type ZoomProvider = OAuthProvider<ZoomUser, 'zoom'>;

/**
 * Sign in with Zoom (OAuth 2.0, PKCE S256; no default scopes: the app's, set in the Marketplace,
 * apply). Every refresh rotates the refresh token.
 * @see https://developers.zoom.us/docs/integrations/oauth/
 * @see https://developers.zoom.us/docs/api/users/#tag/users/GET/users/{userId}
 */
export function zoom(config: ZoomConfig): ZoomProvider {
  const web = baseURL('baseURL', config.baseURL, 'https://zoom.us');
  const api = baseURL('apiURL', config.apiURL, 'https://api.zoom.us');
  return defineProvider(config, {
    id: 'zoom',
    name: 'Zoom',
    issuer: web,
    scopes: [],
    clientAuthMethod: 'client_secret_basic', // Zoom documents Basic for token and revoke
    endpoints: {
      authorizationEndpoint: `${web}/oauth/authorize`,
      tokenEndpoint: `${web}/oauth/token`,
      userInfoEndpoint: `${api}/v2/users/me`,
      revocationEndpoint: `${web}/oauth/revoke`,
    },
    profile: {
      id: 'id',
      name: (u) => text(u.display_name) ?? joinName(u.first_name, u.last_name),
      avatarURL: 'pic_url',
      email: 'email',
      // `verified` is 1 or 0; only the number 1 says Zoom verified the address.
      emailVerified: (u) => u.verified === 1,
    },
  });
}
