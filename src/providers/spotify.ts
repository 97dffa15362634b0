import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { widestImage, type PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';
import type { HostOverrides } from './config-fields.ts';

/** An image of Spotify's `images` arrays (`width`/`height` may be `null`). */
export interface SpotifyImage {
  url: string;
  width: number | null;
  height: number | null;
}

/** Spotify's `GET /v1/me` (the fields latchkey reads; the rest is passed through). */
export interface SpotifyUser extends PassThroughFields {
  /** The Spotify user id (a base-62 id, or a legacy username). */
  id: string;
  display_name: string | null;
  images?: SpotifyImage[];
  /** With `user-read-email`. Spotify says it is unverified: never used as a verified address. */
  email?: string;
}

/** Configuration of {@link spotify}. No `clientSecret` for a PKCE-only public client. */
export interface SpotifyConfig extends ProviderConfig, Pick<HostOverrides, 'apiURL'> {
  /** Accounts service override (a local double). Default `https://accounts.spotify.com`. */
  accountsURL?: string;
}

export type SpotifyProvider = OAuthProvider<SpotifyUser, 'spotify'>;

/**
 * Sign in with Spotify (OAuth 2.0; default scope `user-read-email`, PKCE S256).
 * @see https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow
 * @see https://developer.spotify.com/documentation/web-api/reference/get-current-users-profile
 */
export function spotify(config: SpotifyConfig): SpotifyProvider {
  const accounts = baseURL('accountsURL', config.accountsURL, 'https://accounts.spotify.com');
  const api = baseURL('apiURL', config.apiURL, 'https://api.spotify.com');
  return defineProvider(config, {
    id: 'spotify',
    name: 'Spotify',
    issuer: '', // Spotify names no issuer (no RFC 8414 metadata, no ID token).
    scopes: ['user-read-email'],
    endpoints: {
      authorizationEndpoint: `${accounts}/authorize`,
      tokenEndpoint: `${accounts}/api/token`,
      userInfoEndpoint: `${api}/v1/me`,
    },
    profile: {
      id: 'id',
      name: 'display_name',
      avatarURL: (user) => widestImage(user.images), // Spotify does not document their order
    },
  });
}
