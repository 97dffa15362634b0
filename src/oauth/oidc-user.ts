// The OpenID Connect user every OIDC provider starts from: the validated ID token claims merged
// with the userinfo response, and the standard claims mapped to a profile.
import { verifiedEmail, text } from './define-provider.ts';
import { OAuthResponseError } from './errors.ts';
import type { OIDCClient } from './oidc-client.ts';
import type { OAuthTokens, ProviderProfile } from './provider.ts';

/** The ID token claims merged with the userinfo response (same `sub`, checked). */
export interface OIDCUser {
  sub: string;
  [claim: string]: unknown;
}

/** Options of {@link oidcUser}. */
export interface OIDCUserOptions {
  /** Named in the error when the ID token is missing ("Google", "The OpenID Provider"). */
  who: string;
  /**
   * `required`: always call userinfo (profile claims are not in every ID token); `optional`:
   * only when discovery lists the endpoint (OIDC Core §5.3 makes it optional).
   */
  userInfo: 'required' | 'optional';
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
  client: OIDCClient,
  tokens: OAuthTokens,
  options: OIDCUserOptions,
): Promise<OIDCUser> {
  const claims = tokens.idTokenClaims;
  if (claims === null || typeof claims.sub !== 'string') {
    throw new OAuthResponseError(`${options.who} returned no validated ID token`);
  }
  const offered = options.userInfo === 'required' || (await client.metadata()).userinfo_endpoint;
  const info = offered ? await client.userInfo(tokens, claims.sub) : {};
  return options.signedClaimsWin
    ? { ...info, ...claims, sub: claims.sub }
    : { ...claims, ...info, sub: claims.sub };
}

/**
 * The profile from OIDC standard claims: `sub`, an email only with `email_verified: true`
 * (OIDC Core §5.1), `name`, `preferred_username`, `picture`.
 */
export function claimsProfile(user: OIDCUser): ProviderProfile {
  return {
    providerUserId: user.sub,
    ...verifiedEmail(user.email, user.email_verified === true),
    name: text(user.name),
    username: text(user.preferred_username),
    avatarURL: text(user.picture),
  };
}
