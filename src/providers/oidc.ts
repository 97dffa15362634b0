import {
  checkProviderId,
  defineProvider,
  type ProviderDefinition,
} from '../oauth/define-provider.ts';
import type { OIDCUser } from '../oauth/oidc-user.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';

export type { OIDCUser } from '../oauth/oidc-user.ts';

/** Configuration of {@link oidc}: any OpenID Provider, found by discovery from its issuer. */
export interface OIDCConfig<User extends OIDCUser = OIDCUser, Id extends string = string>
  extends
    ProviderConfig,
    Pick<ProviderDefinition<User, Id>, 'id' | 'name' | 'clientAuthMethod' | 'profile'> {
  /** The issuer identifier; the discovery document must name exactly this issuer. */
  issuer: string;
  /** The one ID token algorithm accepted (default RS256, or the provider's asymmetric choice). */
  idTokenSigningAlg?: string;
}

/**
 * A generic OpenID Connect provider, configured from its issuer's discovery document. Default
 * scopes `openid profile email`; `openid` is always requested.
 * @throws TypeError on a bad configuration (id, non-https issuer, HMAC or `none` algorithm)
 * @see https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth
 */
export function oidc<User extends OIDCUser = OIDCUser, Id extends string = string>(
  config: OIDCConfig<User, Id>,
): OAuthProvider<User, Id> {
  checkProviderId(config?.id); // before the issuer: the id is what routes and keys depend on
  const asked = config.scopes ?? ['openid', 'profile', 'email'];
  // Without `openid` the provider would answer as plain OAuth 2.0, with no ID token to verify.
  const scopes = asked.includes('openid') ? asked : ['openid', ...asked];
  return defineProvider(
    { ...config, scopes },
    {
      id: config.id,
      name: config.name,
      issuer: config.issuer,
      scopes,
      openid: true,
      clientAuthMethod: config.clientAuthMethod,
      profile: config.profile,
    },
  );
}
