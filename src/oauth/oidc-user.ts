// The OpenID Connect user every OIDC provider starts from: the validated ID token claims merged
// with the userinfo response, and the standard claims mapped to a profile.
import type { OAuthClient } from './client.ts';
import { OAuthResponseError } from './errors.ts';
import { profileFrom, type ProfileFields } from './profile-fields.ts';
import type { OAuthTokens, ProviderProfile } from './provider.ts';

/** The ID token claims merged with the userinfo response (same `sub`, checked). */
export interface OIDCUser {
  sub: string;
  [claim: string]: unknown;
}

/**
 * An OIDC user with the standard claims (OIDC Core §5.1) providers send; a provider's user type
 * extends it with its own claims and notes. `Verified`: how it sends `email_verified`.
 */
export interface OIDCClaims<Verified = boolean> extends OIDCUser {
  email?: string;
  /** Only `true` lets `email` reach the profile. */
  email_verified?: Verified;
  name?: string;
  given_name?: string;
  family_name?: string;
  nickname?: string;
  preferred_username?: string;
  picture?: string;
}

/** Options of {@link oidcUser}. */
export interface OIDCUserOptions {
  /** Named in the error when the ID token is missing ("Google", "The OpenID Provider"). */
  who: string;
  /**
   * `required`: always call userinfo (profile claims are not in every ID token); `optional`:
   * only when discovery lists the endpoint (OIDC Core §5.3 makes it optional); `never`: the ID
   * token's claims only (a userinfo endpoint that is not for this client's tokens).
   */
  userInfo: 'required' | 'optional' | 'never';
  /** On a conflict the signed ID token claims win over userinfo; otherwise userinfo wins. */
  signedClaimsWin?: boolean;
}

/**
 * The user behind a validated ID token: its claims merged with userinfo, whose `sub` must be
 * the ID token's.
 * @throws OAuthResponseError without a validated ID token, or on a userinfo `sub` mismatch
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfoResponse
 */
export async function oidcUser(
  client: OAuthClient,
  tokens: OAuthTokens,
  options: OIDCUserOptions,
): Promise<OIDCUser> {
  const claims = tokens.idTokenClaims;
  if (claims === null || typeof claims.sub !== 'string') {
    throw new OAuthResponseError(`${options.who} returned no validated ID token`);
  }
  const offered =
    options.userInfo === 'required' ||
    (options.userInfo === 'optional' && (await client.metadata()).userinfo_endpoint);
  const info = offered ? await client.userInfo(tokens, claims.sub) : {};
  return options.signedClaimsWin
    ? { ...info, ...claims, sub: claims.sub }
    : { ...claims, ...info, sub: claims.sub };
}

/**
 * Checks that a provider API's user is the validated ID token's (`sub`), before its answer is
 * merged with the claims; without an ID token there is nothing to check.
 * @throws OAuthResponseError naming `who` on another user
 */
export function checkSameUser(tokens: OAuthTokens, id: unknown, who: string): void {
  const sub = tokens.idTokenClaims?.sub;
  if (sub !== undefined && String(id) !== sub) {
    throw new OAuthResponseError(`${who} answered for another user`);
  }
}

/**
 * The OIDC standard claims as profile fields: `sub`, an email only with `email_verified: true`
 * (OIDC Core §5.1), `name`, `preferred_username`, `picture`.
 */
export const standardClaims: ProfileFields<OIDCUser> = {
  id: 'sub',
  email: 'email',
  emailVerified: 'email_verified',
  name: 'name',
  username: 'preferred_username',
  avatarURL: 'picture',
};

/** The profile from the OIDC standard claims ({@link standardClaims}). */
export function claimsProfile(user: OIDCUser): ProviderProfile {
  return profileFrom('The ID token', user, standardClaims).profile;
}
