import { baseURL } from '../oauth/define-provider.ts';
import type { OIDCClaims } from '../oauth/oidc-user.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { oidcPlatform, segment, type PlatformConfig } from './oidc-platform.ts';

/** Keycloak's ID token claims merged with its userinfo response. */
export interface KeycloakUser extends OIDCClaims {
  /** The user id (a UUID), stable within the realm. */
  sub: string;
}

/** Configuration of {@link keycloak}. No `clientSecret` for a public client (PKCE only). */
export interface KeycloakConfig extends PlatformConfig {
  /** The server URL: `https://sso.example.com`. */
  baseURL: string;
  /** The realm name. */
  realm: string;
  /** Keycloak 16 and older (WildFly), or `--http-relative-path=/auth`: realms under `/auth`. */
  legacyAuthPath?: boolean;
}

export type KeycloakProvider = OAuthProvider<KeycloakUser, 'keycloak'>;

/**
 * Sign in with Keycloak (OpenID Connect, discovery from `{baseURL}/realms/{realm}`); default
 * scopes `openid profile email`, PKCE S256, RP-initiated logout and RFC 7009 revocation from
 * discovery. Refresh tokens come without `offline_access` (which asks for an offline token).
 * @throws TypeError on a bad configuration (base URL, realm, client id)
 * @see https://www.keycloak.org/securing-apps/oidc-layers
 */
export function keycloak(config: KeycloakConfig): KeycloakProvider {
  const base = baseURL('baseURL', config?.baseURL ?? '', '');
  const realm = segment('realm', config.realm, /^(?!\.+$)[\w.-]+$/);
  const root = config.legacyAuthPath ? `${base}/auth` : base;
  // Each realm is its own issuer with its own keys and users.
  const issuer = `${root}/realms/${realm}`;
  return oidcPlatform<KeycloakUser, 'keycloak'>(config, {
    id: 'keycloak',
    name: 'Keycloak',
    issuer,
  });
}
