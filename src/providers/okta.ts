import type { OIDCClaims } from '../oauth/oidc-user.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { domainOrigin, oidcPlatform, segment, type PlatformConfig } from './oidc-platform.ts';

/** Okta's ID token claims merged with its userinfo response. */
export interface OktaUser extends OIDCClaims {
  /** The Okta user id (`00u…`). */
  sub: string;
  /** The Okta login (often, but not necessarily, an email address). */
  preferred_username?: string;
}

/** Configuration of {@link okta}. No `clientSecret` for a SPA or native app (PKCE only). */
export interface OktaConfig extends PlatformConfig {
  /** The Okta org or custom domain: `your-org.okta.com`, `id.example.com`. */
  domain: string;
  /**
   * The custom authorization server id: default `default` (issuer `https://{domain}/oauth2/default`);
   * `null` for the org authorization server (issuer `https://{domain}`).
   */
  authorizationServerId?: string | null;
}

export type OktaProvider = OAuthProvider<OktaUser, 'okta'>;

/**
 * Sign in with Okta (OpenID Connect, discovery from the authorization server's issuer); default
 * scopes `openid profile email` (+ `offline_access` with `offlineAccess`), PKCE S256.
 * @throws TypeError on a bad configuration (domain, authorization server id, client id)
 * @see https://developer.okta.com/docs/concepts/auth-servers/
 */
export function okta(config: OktaConfig): OktaProvider {
  const origin = domainOrigin('domain', config?.domain);
  const server =
    config.authorizationServerId === undefined ? 'default' : config.authorizationServerId;
  // Each authorization server is its own issuer with its own keys: tokens of one never pass as another's.
  const issuer =
    server === null
      ? origin
      : `${origin}/oauth2/${segment('authorizationServerId', server, /^\w+$/)}`;
  return oidcPlatform<OktaUser, 'okta'>(config, { id: 'okta', name: 'Okta', issuer });
}
