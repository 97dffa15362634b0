import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import type { OIDCClaims } from '../oauth/oidc-user.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';
import { twitchRevoke, twitchTokenFetch } from './twitch-wire.ts';

/** Twitch's ID token claims merged with `/oauth2/userinfo` (the signed claims win). */
export interface TwitchUser extends OIDCClaims {
  /** The numeric user id, as a string. */
  sub: string;
  /** The display name. */
  preferred_username?: string;
  /** With the `user:read:email` scope and asked for through `claims`. */
  email?: string;
  updated_at?: string;
}

export interface TwitchConfig extends ConfidentialConfig, Pick<HostOverrides, 'issuer'> {}

export type TwitchProvider = OAuthProvider<TwitchUser, 'twitch'>;

// Twitch releases no claim it was not asked for in `claims` (OIDC Core §5.5), email included.
const WANTED = { email: null, email_verified: null, picture: null, preferred_username: null };
const CLAIMS = JSON.stringify({ id_token: WANTED, userinfo: WANTED });

/**
 * Sign in with Twitch (OpenID Connect; default scopes `openid user:read:email`). Refresh tokens
 * come with every code exchange and may change on refresh; `revokeToken` revokes access tokens.
 * @see https://dev.twitch.tv/docs/authentication/getting-tokens-oidc/
 */
export function twitch(config: TwitchConfig): TwitchProvider {
  const issuer = baseURL('issuer', config.issuer, 'https://id.twitch.tv/oauth2');
  return defineProvider(config, {
    id: 'twitch',
    name: 'Twitch',
    issuer,
    scopes: ['openid', 'user:read:email'],
    openid: { userInfo: 'optional', signedClaimsWin: true },
    clientAuthMethod: 'client_secret_post', // the only method discovery lists
    fetch: (base) => twitchTokenFetch(base, `${issuer}/token`),
    params: { claims: CLAIMS },
    // Twitch has no separate name claim: the display name is both.
    profile: { name: 'preferred_username', idFormat: /^[0-9]+$/ },
    revokeToken: (token, client) =>
      twitchRevoke(client, `${issuer}/revoke`, config.clientId, token),
  });
}
