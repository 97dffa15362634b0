import { baseURL } from '../oauth/define-provider.ts';
import type { OIDCClaims } from '../oauth/oidc-user.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { oidcPlatform, segment, type PlatformConfig } from './oidc-platform.ts';

/** authentik's ID token claims merged with its userinfo response. */
export interface AuthentikUser extends OIDCClaims {
  /** By default a hash of the user id; the provider's "Subject mode" decides. */
  sub: string;
  groups?: string[];
}

/** Configuration of {@link authentik}. No `clientSecret` for a public client (PKCE only). */
export interface AuthentikConfig extends PlatformConfig {
  /** The authentik server URL: `https://authentik.example.com`. */
  baseURL: string;
  /** The slug of the application the OAuth2/OpenID provider is assigned to. */
  slug: string;
}

export type AuthentikProvider = OAuthProvider<AuthentikUser, 'authentik'>;

/**
 * Sign in with authentik (OpenID Connect; issuer `{baseURL}/application/o/{slug}/`, with the
 * trailing slash); default scopes `openid profile email` (+ `offline_access` with
 * `offlineAccess`, which authentik needs to issue a refresh token), PKCE S256.
 * @throws TypeError on a bad configuration (base URL, slug, client id)
 * @see https://docs.goauthentik.io/add-secure-apps/providers/oauth2/
 */
export function authentik(config: AuthentikConfig): AuthentikProvider {
  const base = baseURL('baseURL', config?.baseURL ?? '', '');
  const slug = segment('slug', config.slug, /^[\w-]+$/);
  return oidcPlatform<AuthentikUser, 'authentik'>(config, {
    id: 'authentik',
    name: 'authentik',
    // Per-provider issuer mode (authentik's default): one issuer, and keys, per application.
    issuer: `${base}/application/o/${slug}/`,
  });
}
