import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import type { PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';
import type { HostOverrides } from './config-fields.ts';

/** Discord's `GET /users/@me` (the fields latchkey reads; the rest is passed through). */
export interface DiscordUser extends PassThroughFields {
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
}

/** Configuration of {@link discord}. No `clientSecret` for a "Public Client" (PKCE only). */
export interface DiscordConfig extends ProviderConfig, Pick<HostOverrides, 'baseURL'> {
  /** Reject a callback without RFC 9207 `iss` (a present one is always checked). Default false. */
  requireIss?: boolean;
  /** Avatar CDN override. Default `https://cdn.discordapp.com`. */
  cdnURL?: string;
}

export type DiscordProvider = OAuthProvider<DiscordUser, 'discord'>;

function avatarURL(cdn: string, user: DiscordUser): string {
  if (typeof user.avatar === 'string' && /^(a_)?[0-9a-f]{32}$/.test(user.avatar)) {
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
 * @see https://discord.com/developers/docs/topics/oauth2
 * @see https://discord.com/developers/docs/resources/user#get-current-user
 */
export function discord(config: DiscordConfig): DiscordProvider {
  const web = baseURL('baseURL', config.baseURL, 'https://discord.com');
  const cdn = baseURL('cdnURL', config.cdnURL, 'https://cdn.discordapp.com');
  return defineProvider(config, {
    id: 'discord',
    name: 'Discord',
    // Discord is plain OAuth 2.0 (no ID token); its metadata names this issuer and announces
    // RFC 9207 `iss`. Requiring it is opt-in: servers announcing `iss` without sending it are common.
    issuer: web,
    scopes: ['identify', 'email'],
    endpoints: {
      authorizationEndpoint: `${web}/oauth2/authorize`,
      tokenEndpoint: `${web}/api/oauth2/token`,
      userInfoEndpoint: `${web}/api/users/@me`,
      revocationEndpoint: `${web}/api/oauth2/token/revoke`,
      issParameterSupported: config.requireIss === true,
    },
    profile: {
      id: 'id',
      idFormat: /^[0-9]{1,20}$/, // a snowflake
      required: ['username'],
      username: 'username',
      name: ['global_name', 'username'],
      avatarURL: (user) => avatarURL(cdn, user),
      email: 'email',
      // Discord returns the address even when never confirmed; only `verified` counts.
      emailVerified: 'verified',
    },
  });
}
