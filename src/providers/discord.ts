import { verifiedEmail } from '../oauth/define-provider.ts';
import { OAuthResponseError } from '../oauth/errors.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';
import { oauth2 } from './oauth2.ts';

/** Discord's `GET /users/@me` (the fields latchkey reads; the rest is passed through). */
export interface DiscordUser {
  /** A snowflake: a 64-bit integer, sent as a string (it does not fit a JS number). */
  id: string;
  username: string;
  /** The display name; `null` when the user has not set one. */
  global_name: string | null;
  /** `"0"` for accounts on the new unique usernames. */
  discriminator: string;
  /** Avatar hash (`a_` prefix when animated), or `null`. */
  avatar: string | null;
  /** Present with the `email` scope; not proof of ownership without `verified`. */
  email?: string | null;
  verified?: boolean;
  [field: string]: unknown;
}

/** Configuration of {@link discord}. No `clientSecret` for a "Public Client" (PKCE only). */
export interface DiscordConfig extends ProviderConfig {
  /** Reject a callback without RFC 9207 `iss` (a present one is always checked). Default false. */
  requireIss?: boolean;
  /** Web origin override (a local double). Default `https://discord.com`. */
  baseURL?: string;
  /** Avatar CDN override. Default `https://cdn.discordapp.com`. */
  cdnURL?: string;
}

/** The Discord provider. */
export type DiscordProvider = OAuthProvider<DiscordUser, 'discord'>;

const SNOWFLAKE = /^[0-9]{1,20}$/;
const AVATAR_HASH = /^(a_)?[0-9a-f]{32}$/;

function avatarURL(cdn: string, user: DiscordUser): string {
  if (typeof user.avatar === 'string' && AVATAR_HASH.test(user.avatar)) {
    // Animated avatars (`a_` hashes) are GIFs; PNG is always available for the others.
    const ext = user.avatar.startsWith('a_') ? 'gif' : 'png';
    return `${cdn}/avatars/${user.id}/${user.avatar}.${ext}`;
  }
  // No custom avatar: Discord's default, picked from the id (new usernames) or the discriminator.
  const index =
    user.discriminator === '0' || typeof user.discriminator !== 'string'
      ? Number((BigInt(user.id) >> 22n) % 6n)
      : Number(user.discriminator) % 5;
  return `${cdn}/embed/avatars/${Number.isInteger(index) ? index : 0}.png`;
}

/**
 * Sign in with Discord (OAuth 2.0; default scopes `identify email`, PKCE S256).
 * @throws TypeError on a bad configuration (missing client id, non-https base URL)
 * @see https://discord.com/developers/docs/topics/oauth2
 * @see https://discord.com/developers/docs/resources/user#get-current-user
 */
export function discord(config: DiscordConfig): DiscordProvider {
  const web = (config.baseURL ?? 'https://discord.com').replace(/\/+$/, '');
  const cdn = (config.cdnURL ?? 'https://cdn.discordapp.com').replace(/\/+$/, '');
  return oauth2<DiscordUser, 'discord'>({
    ...config,
    id: 'discord',
    name: 'Discord',
    authorizationEndpoint: `${web}/oauth2/authorize`,
    tokenEndpoint: `${web}/api/oauth2/token`,
    userInfoEndpoint: `${web}/api/users/@me`,
    revocationEndpoint: `${web}/api/oauth2/token/revoke`,
    // Discord is plain OAuth 2.0 (no ID token); its metadata names this issuer and announces
    // RFC 9207 `iss`. Requiring it is opt-in: servers announcing `iss` without sending it are common.
    issuer: web,
    issParameterSupported: config.requireIss === true,
    scopes: config.scopes ?? ['identify', 'email'],
    async mapProfile(_tokens, fetchJSON) {
      const user = (await fetchJSON()) as DiscordUser;
      if (
        typeof user?.id !== 'string' ||
        !SNOWFLAKE.test(user.id) ||
        typeof user.username !== 'string'
      ) {
        throw new OAuthResponseError(
          'Discord /users/@me answered without a snowflake id and username',
        );
      }
      const profile = {
        providerUserId: user.id,
        // Discord returns the address even when never confirmed; only `verified` counts.
        ...verifiedEmail(user.email, user.verified === true),
        name: typeof user.global_name === 'string' ? user.global_name : user.username,
        username: user.username,
        avatarURL: avatarURL(cdn, user),
      };
      return { profile, user };
    },
  });
}
