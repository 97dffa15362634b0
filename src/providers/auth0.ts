import type { OIDCClaims } from '../oauth/oidc-user.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { domainOrigin, oidcPlatform, type PlatformConfig } from './oidc-platform.ts';

/** Auth0's ID token claims merged with its `/userinfo` response. */
export interface Auth0User extends OIDCClaims {
  /** `{connection}|{id}`: `auth0|…` for a database user, `google-oauth2|…` for a Google one… */
  sub: string;
}

/** Configuration of {@link auth0}. No `clientSecret` for a SPA or native application. */
export interface Auth0Config extends PlatformConfig {
  /** The tenant domain (`your-tenant.us.auth0.com`) or its custom domain. */
  domain: string;
  /** The API identifier the access token is for (`audience`); without it, userinfo only. */
  audience?: string;
}

export type Auth0Provider = OAuthProvider<Auth0User, 'auth0'>;

/**
 * Sign in with Auth0 (OpenID Connect, discovery from `https://{domain}/`); default scopes
 * `openid profile email` (+ `offline_access` with `offlineAccess`), PKCE S256.
 * @throws TypeError on a bad configuration (domain, audience, client id)
 * @see https://auth0.com/docs/get-started/authentication-and-authorization-flow/authorization-code-flow
 */
export function auth0(config: Auth0Config): Auth0Provider {
  if (config?.audience !== undefined && (typeof config.audience !== 'string' || !config.audience))
    throw new TypeError('latchkey: "audience" must be a non-empty string');
  return oidcPlatform<Auth0User, 'auth0'>(config, {
    id: 'auth0',
    name: 'Auth0',
    // Auth0's issuer ends with a slash, in discovery and in every ID token: compared exactly.
    issuer: `${domainOrigin('domain', config.domain)}/`,
    params: config.audience === undefined ? undefined : { audience: config.audience },
    profile: { username: 'nickname' }, // Auth0 sends no preferred_username by default
  });
}
