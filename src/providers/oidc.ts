import type { Latchkey } from '../core/latchkey.ts';
import { OAuthResponseError } from '../oauth/errors.ts';
import { OIDCClient } from '../oauth/oidc-client.ts';
import type { ClientAuthMethod } from '../oauth/client.ts';
import type { OAuthProvider, ProviderProfile } from '../oauth/provider.ts';
import { providerFactory, type ProviderAuth } from '../oauth/provider-auth.ts';

/** The ID token claims merged with the userinfo response (same `sub`, checked). */
export interface OIDCUser {
  sub: string;
  [claim: string]: unknown;
}

/** Configuration of {@link oidc}: any OpenID Provider, found by discovery from its issuer. */
export interface OIDCConfig {
  /** Provider id in routes and account keys (`okta`, `keycloak`, ...). */
  id: string;
  /** Human name for buttons. */
  name: string;
  /** The issuer identifier; the discovery document must name exactly this issuer. */
  issuer: string;
  clientId: string;
  /** Absent for public clients. */
  clientSecret?: string;
  /** Default `client_secret_basic` with a secret, `none` without. */
  clientAuthMethod?: ClientAuthMethod;
  redirectURI?: string;
  /** Default `openid profile email`. `openid` is always requested. */
  scopes?: readonly string[];
  allowedScopes?: readonly string[];
  pkce?: boolean;
  /** The one ID token algorithm accepted (default RS256, or the provider's asymmetric choice). */
  idTokenSigningAlg?: string;
  fetch?: typeof fetch;
  timeout?: number;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function createOIDC(config: OIDCConfig): OAuthProvider<OIDCUser> {
  if (typeof config?.id !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(config.id)) {
    throw new TypeError('latchkey: "id" must be 1-64 lowercase letters, digits, _ or -');
  }
  const client = new OIDCClient(config.issuer, config);
  const scopes = config.scopes ?? ['openid', 'profile', 'email'];
  // Without `openid` the provider would answer as plain OAuth 2.0, with no ID token to verify.
  const defaultScopes = scopes.includes('openid') ? scopes : ['openid', ...scopes];
  return {
    id: config.id,
    name: config.name,
    issuer: config.issuer,
    defaultScopes,
    allowedScopes: config.allowedScopes ?? defaultScopes,
    pkce: client.pkce,
    createAuthorizationURL: (o) =>
      client.createAuthorizationURL({ ...o, scopes: o.scopes ?? defaultScopes, nonce: true }),
    validateAuthorizationCode: (o) => client.validateAuthorizationCode({ ...o, openid: true }),
    refreshAccessToken: (token) => client.refreshAccessToken(token),
    revokeToken: (token) => client.revokeToken(token),
    async getUser(tokens) {
      const claims = tokens.idTokenClaims;
      if (claims === null || typeof claims.sub !== 'string') {
        throw new OAuthResponseError('The OpenID Provider returned no validated ID token');
      }
      // Userinfo is optional (OIDC Core §5.3); when offered, its `sub` must be the ID token's.
      const as = await client.metadata();
      const info = as.userinfo_endpoint
        ? await client.userInfo(tokens.accessToken, claims.sub)
        : {};
      const user: OIDCUser = { ...claims, ...info, sub: claims.sub };
      const email = text(user.email);
      const profile: ProviderProfile = {
        providerUserId: user.sub,
        // Only an address the provider says it verified (OIDC Core §5.1 email_verified).
        email: user.email_verified === true ? email : null,
        emailVerified: user.email_verified === true && email !== null,
        name: text(user.name),
        username: text(user.preferred_username),
        avatarURL: text(user.picture),
      };
      return { profile, user };
    },
  };
}

const factory = providerFactory(createOIDC);

/**
 * A generic OpenID Connect provider, configured from its issuer's discovery document.
 * `oidc(config)` returns the provider; `oidc(auth, config)` the seeds' `ProviderAuth`.
 * @throws TypeError on a bad configuration (id, non-https issuer, HMAC or `none` algorithm)
 * @see https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth
 */
export function oidc<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  config: OIDCConfig & { redirectURI: string },
): ProviderAuth<UA, SA, OIDCUser, string>;
export function oidc(config: OIDCConfig): OAuthProvider<OIDCUser>;
export function oidc(authOrConfig: unknown, config?: OIDCConfig): unknown {
  return (factory as (a: unknown, b?: unknown) => unknown)(authOrConfig, config);
}
