// What the identity-platform providers (Okta, Auth0, Keycloak, Cognito, Authentik, Zitadel)
// share: an issuer built from the app's own domain or base URL and a few path segments, the
// endpoints from that issuer's discovery document, `openid` always requested and
// `offline_access` on request. Each platform file states only its issuer shape and quirks.
import { invalidArgument } from '../core/errors.ts';
import { defineProvider, type ProviderDefinition } from '../oauth/define-provider.ts';
import type { OIDCUser } from '../oauth/oidc-user.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';
import { checkEndpoint } from '../oauth/transport.ts';

/** Configuration every identity platform takes. */
export interface PlatformConfig extends ProviderConfig {
  /** Ask for a refresh token with the `offline_access` scope. Default `false`. */
  offlineAccess?: boolean;
}

/**
 * `https://{domain}` for a bare host name (`your-org.okta.com`); a full URL (a local double,
 * http only for loopback) is taken as it is, but must be an origin: no path, query or userinfo.
 * @throws TypeError otherwise
 */
export function domainOrigin(name: string, domain: unknown): string {
  if (typeof domain !== 'string' || domain === '') invalidArgument(name, 'must be a host name');
  const url = checkEndpoint(name, domain.includes('://') ? domain : `https://${domain}`);
  if (`${url.origin}/` !== url.href) invalidArgument(name, 'must be a host name, without a path');
  return url.origin;
}

/**
 * One path segment of an issuer (a realm, an application slug, a user pool id), so that no
 * configured value can climb out of its place in the URL.
 * @throws TypeError unless it matches `pattern`
 */
export function segment(name: string, value: unknown, pattern: RegExp): string {
  if (typeof value !== 'string' || !pattern.test(value)) invalidArgument(name, 'is not valid');
  return value;
}

/** The app's scopes (default `openid profile email`) with `openid`, `extra` and `offline_access`. */
export function platformScopes(config: PlatformConfig, extra: readonly string[] = []): string[] {
  const scopes = new Set(['openid', ...(config.scopes ?? ['profile', 'email']), ...extra]);
  if (config.offlineAccess) scopes.add('offline_access');
  return [...scopes];
}

/** A platform's definition: what {@link defineProvider} takes, with OIDC on and scopes optional. */
export type PlatformDefinition<User, Id extends string> = Omit<
  ProviderDefinition<User, Id>,
  'scopes'
> & { scopes?: readonly string[] };

/**
 * An OpenID Connect identity platform: discovery from `issuer`, full ID token validation, the
 * standard claims (an email only with `email_verified: true`) plus the platform's `profile`.
 */
export function oidcPlatform<User extends OIDCUser, Id extends string>(
  config: PlatformConfig,
  definition: PlatformDefinition<User, Id>,
): OAuthProvider<User, Id> {
  const scopes = definition.scopes ?? platformScopes(config);
  return defineProvider({ ...config, scopes }, { openid: true, ...definition, scopes });
}
