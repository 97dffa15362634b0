import { defineProvider } from '../oauth/define-provider.ts';
import type { OIDCUser } from '../oauth/oidc-user.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';

/** Roblox's ID token claims merged with `/v1/userinfo` (same `sub`, checked). */
export interface RobloxUser extends OIDCUser {
  /** The Roblox user id, a string of digits. */
  sub: string;
  /** The display name (`nickname` carries it too). */
  name?: string;
  nickname?: string;
  /** The username; users can change it, so it is never the key. */
  preferred_username?: string;
  created_at?: number;
  /** `https://www.roblox.com/users/{id}/profile`. */
  profile?: string;
  /** Avatar headshot; `null` until generated or when moderated. */
  picture?: string | null;
  email?: string;
  email_verified?: boolean;
}

/** Configuration of {@link roblox}. No `clientSecret` for a public client (PKCE only). */
export interface RobloxConfig extends ProviderConfig {
  /** Issuer override (a local double), kept exactly as given. Default `https://apis.roblox.com/oauth/`. */
  issuer?: string;
}

export type RobloxProvider = OAuthProvider<RobloxUser, 'roblox'>;

/**
 * Sign in with Roblox (OpenID Connect; default scopes `openid profile`, PKCE S256, nonce).
 * Refresh tokens are single-use: every refresh returns a new one (and a new ID token).
 * @see https://create.roblox.com/docs/cloud/reference/oauth2
 */
export function roblox(config: RobloxConfig): RobloxProvider {
  return defineProvider<RobloxUser, 'roblox'>(config, {
    id: 'roblox',
    name: 'Roblox',
    // With its trailing slash: discovery and every ID token name it so, and the match is exact.
    issuer: config.issuer ?? 'https://apis.roblox.com/oauth/',
    scopes: ['openid', 'profile'],
    // Userinfo has the profile claims; an email counts only with `email_verified: true`.
    openid: { userInfo: 'required' },
  });
}
