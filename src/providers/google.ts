import { checkEndpoint } from '../oauth/client.ts';
import { OAuthResponseError } from '../oauth/errors.ts';
import type { OAuthProvider, OAuthTokens, ProviderProfile } from '../oauth/provider.ts';
import { providerFactory } from '../oauth/provider-auth.ts';
import { IssuerCheckedOIDCClient } from './oidc-issuer.ts';

/** Google's ID token claims merged with its userinfo response (the signed claims win). */
export interface GoogleUser {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  picture?: string;
  /** The Google Workspace domain of the account; absent for consumer accounts. */
  hd?: string;
  [claim: string]: unknown;
}

/** Configuration of {@link google}. */
export interface GoogleConfig {
  clientId: string;
  clientSecret: string;
  /** The callback URL (required when used as `google(auth, config)`). */
  redirectURI?: string;
  /** Default `openid email profile`. */
  scopes?: readonly string[];
  allowedScopes?: readonly string[];
  /** PKCE S256 (Google supports it). Default `true`. */
  pkce?: boolean;
  /**
   * Ask for a refresh token: Google issues one only with `access_type=offline`, and again on
   * later sign-ins only with `prompt=consent`. Default `false`.
   */
  offlineAccess?: boolean;
  /** Accept only accounts of this Workspace domain (`hd` claim); `*` for any Workspace domain. */
  hostedDomain?: string;
  /** Issuer override (a local double). Default `https://accounts.google.com`. */
  issuer?: string;
  fetch?: typeof fetch;
  timeout?: number;
}

/** The Google provider. */
export type GoogleProvider = OAuthProvider<GoogleUser, 'google'>;

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function createGoogle(config: GoogleConfig): GoogleProvider {
  const issuer = config.issuer ?? 'https://accounts.google.com';
  // Google documents that ID tokens may carry the legacy `iss` "accounts.google.com" (no scheme).
  const legacyIssuer = checkEndpoint('issuer', issuer).host;
  const client = new IssuerCheckedOIDCClient(issuer, {
    ...config,
    expectedIssuer: (claims, as) => (claims.iss === legacyIssuer ? legacyIssuer : as.issuer),
  });
  const hostedDomain = config.hostedDomain?.toLowerCase();
  // The `hd` authorization parameter is only an account-chooser hint anyone can edit: the
  // signed `hd` claim is what proves the account belongs to the Workspace domain.
  const checkHostedDomain = (tokens: OAuthTokens): OAuthTokens => {
    if (hostedDomain === undefined || tokens.idTokenClaims === null) return tokens;
    const hd = tokens.idTokenClaims.hd;
    if (typeof hd !== 'string' || (hostedDomain !== '*' && hd.toLowerCase() !== hostedDomain)) {
      throw new OAuthResponseError('The Google account is not in the configured hosted domain', {
        reason: 'hd_mismatch',
      });
    }
    return tokens;
  };
  const defaultScopes = config.scopes ?? ['openid', 'email', 'profile'];
  const params: Record<string, string> = {};
  if (hostedDomain !== undefined) params.hd = hostedDomain;
  if (config.offlineAccess) Object.assign(params, { access_type: 'offline', prompt: 'consent' });
  return {
    id: 'google',
    name: 'Google',
    issuer,
    defaultScopes,
    allowedScopes: config.allowedScopes ?? defaultScopes,
    pkce: client.pkce,
    createAuthorizationURL: (o) =>
      client.createAuthorizationURL({
        ...o,
        scopes: o.scopes ?? defaultScopes,
        params: { ...params, ...o.params },
        nonce: true,
      }),
    validateAuthorizationCode: async (o) =>
      checkHostedDomain(await client.validateAuthorizationCode({ ...o, openid: true })),
    // A refresh response may carry a new ID token; its `hd` is held to the same rule.
    refreshAccessToken: async (token) => checkHostedDomain(await client.refreshAccessToken(token)),
    revokeToken: (token) => client.revokeToken(token),
    async getUser(tokens) {
      const claims = tokens.idTokenClaims;
      if (claims === null || typeof claims.sub !== 'string') {
        throw new OAuthResponseError('Google returned no validated ID token');
      }
      // Profile claims are not in every ID token; userinfo fills them (same `sub`, checked).
      const info = await client.userInfo(tokens.accessToken, claims.sub);
      const user: GoogleUser = { ...info, ...claims, sub: claims.sub };
      const email = text(user.email);
      const verified = user.email_verified === true && email !== null;
      const profile: ProviderProfile = {
        providerUserId: user.sub,
        email: verified ? email : null,
        emailVerified: verified,
        name: text(user.name),
        username: null, // Google has no username; the email is not one.
        avatarURL: text(user.picture),
      };
      return { profile, user };
    },
  };
}

/**
 * Sign in with Google (OpenID Connect). `google(config)` returns the provider;
 * `google(auth, config)` the seeds' `ProviderAuth`.
 * @throws TypeError on a bad configuration (missing client id or secret, non-https issuer)
 * @see https://developers.google.com/identity/openid-connect/openid-connect
 */
export const google = providerFactory(createGoogle);
