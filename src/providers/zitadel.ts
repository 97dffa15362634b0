import type { OIDCClaims } from '../oauth/oidc-user.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import {
  domainOrigin,
  oidcPlatform,
  platformScopes,
  segment,
  type PlatformConfig,
} from './oidc-platform.ts';

/** ZITADEL's ID token claims merged with its userinfo response. */
export interface ZitadelUser extends OIDCClaims {
  /** The user id (numeric, as a string). */
  sub: string;
  /** The login name (`alice@acme.zitadel.cloud`). */
  preferred_username?: string;
}

/** Configuration of {@link zitadel}. No `clientSecret` for a PKCE (user agent, native) app. */
export interface ZitadelConfig extends PlatformConfig {
  /** The instance domain: `my-instance-abc123.zitadel.cloud`, or a custom domain. */
  domain: string;
  /** Put this project id (or `zitadel`, for ZITADEL's own APIs) in the token audience. */
  projectId?: string;
}

export type ZitadelProvider = OAuthProvider<ZitadelUser, 'zitadel'>;

/**
 * Sign in with ZITADEL (OpenID Connect, discovery from `https://{domain}`); default scopes
 * `openid profile email` (+ `offline_access` with `offlineAccess`, + the project audience scope
 * with `projectId`), PKCE S256.
 * @throws TypeError on a bad configuration (domain, project id, client id)
 * @see https://zitadel.com/docs/apis/openidoauth/endpoints
 */
export function zitadel(config: ZitadelConfig): ZitadelProvider {
  const issuer = domainOrigin('domain', config?.domain);
  const project =
    config.projectId === undefined
      ? []
      : [segment('projectId', config.projectId, /^(\d+|zitadel)$/)];
  // A reserved scope: the access and ID tokens name the project as an audience.
  const audience = project.map((id) => `urn:zitadel:iam:org:project:id:${id}:aud`);
  return oidcPlatform<ZitadelUser, 'zitadel'>(config, {
    id: 'zitadel',
    name: 'ZITADEL',
    issuer,
    scopes: platformScopes(config, audience),
  });
}
