import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import type { OIDCUser } from '../oauth/oidc-user.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';
import { twitchRevoke, twitchTokenFetch } from './twitch-wire.ts';

/** Twitch's ID token claims merged with `/oauth2/userinfo` (the signed claims win). */
export interface TwitchUser extends OIDCUser {
  /** The numeric user id, as a string. */
  sub: string;
  /** The display name. */
  preferred_username?: string;
  picture?: string;
  /** With the `user:read:email` scope and asked for through `claims`. */
  email?: string;
  email_verified?: boolean;
  updated_at?: string;
}

/** Configuration of {@link twitch} (a `clientSecret` is required). */
export interface TwitchConfig extends ProviderConfig {
  clientSecret: string;
  /** Issuer override (a local double). Default `https://id.twitch.tv/oauth2`. */
  issuer?: string;
}

export type TwitchProvider = OAuthProvider<TwitchUser, 'twitch'>;

// Twitch releases no claim it was not asked for in `claims` (OIDC Core §5.5), email included.
const WANTED = { email: null, email_verified: null, picture: null, preferred_username: null };
const CLAIMS = JSON.stringify({ id_token: WANTED, userinfo: WANTED });

/**
 * Sign in with Twitch (OpenID Connect; default scopes `openid user:read:email`). Refresh tokens
 * come with every code exchange and may change on refresh; `revokeToken` revokes access tokens.
 * @throws TypeError on a bad configuration (missing client id, non-https issuer)
 * @see https://dev.twitch.tv/docs/authentication/getting-tokens-oidc/
 */
export function twitch(config: TwitchConfig): TwitchProvider {
  const issuer = baseURL('issuer', config.issuer, 'https://id.twitch.tv/oauth2');
  const fetchFn = config.fetch ?? ((input, init) => fetch(input, init));
  return defineProvider(
    { ...config, fetch: twitchTokenFetch(fetchFn, `${issuer}/token`) },
    {
      id: 'twitch',
      name: 'Twitch',
      issuer,
      scopes: ['openid', 'user:read:email'],
      openid: { userInfo: 'optional', signedClaimsWin: true },
      clientAuthMethod: 'client_secret_post', // the only method discovery lists
      params: { claims: CLAIMS },
      // Twitch has no separate name claim: the display name is both.
      profile: { name: 'preferred_username', idFormat: /^[0-9]+$/ },
      revokeToken: (token) =>
        twitchRevoke(fetchFn, `${issuer}/revoke`, config.clientId, token, config.timeout ?? 10_000),
    },
  );
}
