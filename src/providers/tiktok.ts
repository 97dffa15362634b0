import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { profileFrom, type PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { commaScopes, editAuthorizationURL } from './authorization-url.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';
import { hexChallenge, readTikTok, tiktokFetch } from './tiktok-transport.ts';

/** TikTok's `GET /v2/user/info/` user (`data.user`) with the fields latchkey asks for. */
export interface TikTokUser extends PassThroughFields {
  /** The user's id for this app (another app of yours sees another one). */
  open_id: string;
  /** The same user across your apps. */
  union_id?: string;
  avatar_url?: string;
  /** Not unique, not a username. */
  display_name?: string;
}

/** Configuration of {@link tiktok}: the client key is `clientId`. */
export interface TikTokConfig
  extends ConfidentialConfig, Pick<HostOverrides, 'authURL' | 'apiURL'> {}

export type TikTokProvider = OAuthProvider<TikTokUser, 'tiktok'>;

const FIELDS = 'open_id,union_id,avatar_url,display_name';

/**
 * Sign in with TikTok (Login Kit v2, OAuth 2.0; default scope `user.info.basic`, PKCE S256 with
 * TikTok's hex challenge). TikTok shares no email address.
 * @throws TypeError on a bad configuration (missing client key, non-https URLs)
 * @see https://developers.tiktok.com/doc/login-kit-web
 * @see https://developers.tiktok.com/doc/oauth-user-access-token-management
 */
export function tiktok(config: TikTokConfig): TikTokProvider {
  const auth = baseURL('authURL', config.authURL, 'https://www.tiktok.com');
  const api = baseURL('apiURL', config.apiURL, 'https://open.tiktokapis.com');
  const [token, revoke] = [`${api}/v2/oauth/token/`, `${api}/v2/oauth/revoke/`];
  const provider = defineProvider(config, {
    id: 'tiktok',
    name: 'TikTok',
    issuer: auth,
    scopes: ['user.info.basic'],
    clientAuthMethod: 'client_secret_post', // TikTok reads the key and secret from the body
    endpoints: {
      authorizationEndpoint: `${auth}/v2/auth/authorize/`,
      tokenEndpoint: token,
      revocationEndpoint: revoke,
      // TikTok's docs do not give the HTTP status of token errors: an error body is one at 200 too.
      http200Errors: true,
    },
    fetch: (base) => tiktokFetch(base, [token, revoke]),
    async getUser(tokens, client) {
      const headers = { authorization: `Bearer ${tokens.accessToken}` };
      const url = `${api}/v2/user/info/?fields=${FIELDS}`;
      const data = await readTikTok(await client.fetch(url, { headers }));
      const fields = { id: 'open_id', name: 'display_name', avatarURL: 'avatar_url' } as const;
      return profileFrom<TikTokUser>('TikTok /v2/user/info/', data?.user, fields);
    },
  });
  return editAuthorizationURL(provider, async (url, request) => {
    url.searchParams.set('client_key', config.clientId); // TikTok reads no client_id
    url.searchParams.delete('client_id');
    commaScopes(url);
    if (request.codeVerifier !== null)
      url.searchParams.set('code_challenge', await hexChallenge(request.codeVerifier));
  });
}
