import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { requireClaim } from '../oauth/claim-check.ts';
import type { OIDCClaims } from '../oauth/oidc-user.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';

/** Google's ID token claims merged with its userinfo response (the signed claims win). */
export interface GoogleUser extends OIDCClaims {
  /** The Google Workspace domain of the account; absent for consumer accounts. */
  hd?: string;
}

export interface GoogleConfig extends ConfidentialConfig, Pick<HostOverrides, 'issuer'> {
  /** Ask for a refresh token (`access_type=offline`, and `prompt=consent` to get it again). */
  offlineAccess?: boolean;
  /** Accept only accounts of this Workspace domain (`hd` claim); `*` for any Workspace domain. */
  hostedDomain?: string;
}

export type GoogleProvider = OAuthProvider<GoogleUser, 'google'>;

/**
 * Sign in with Google (OpenID Connect; default scopes `openid email profile`, PKCE S256).
 * @throws TypeError on a bad configuration (missing client id or secret, non-https issuer)
 * @see https://developers.google.com/identity/openid-connect/openid-connect
 */
export function google(config: GoogleConfig): GoogleProvider {
  const issuer = baseURL('issuer', config.issuer, 'https://accounts.google.com');
  // Google documents that ID tokens may carry the legacy `iss` "accounts.google.com" (no scheme).
  const legacy = new URL(issuer).host;
  const hd = config.hostedDomain?.toLowerCase();
  return defineProvider(config, {
    id: 'google',
    name: 'Google',
    issuer,
    scopes: ['openid', 'email', 'profile'],
    openid: { userInfo: 'required', signedClaimsWin: true },
    expectedIssuer: (claims, as) => (claims.iss === legacy ? legacy : as.issuer),
    params: {
      ...(hd === undefined ? {} : { hd }),
      ...(config.offlineAccess ? { access_type: 'offline', prompt: 'consent' } : {}),
    },
    // The `hd` authorization parameter is only an account-chooser hint anyone can edit: the signed
    // `hd` claim proves the account is in the domain (a refreshed ID token is held to it too).
    checkTokens: requireClaim('hd', hd, 'hosted domain'),
    profile: { username: () => null }, // Google has no username; the email is not one.
  });
}
