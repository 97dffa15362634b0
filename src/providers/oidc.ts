import type { ClientAuthMethod } from '../oauth/client.ts';
import { checkProviderId, defineProvider } from '../oauth/define-provider.ts';
import { OIDCClient } from '../oauth/oidc-client.ts';
import { claimsProfile, oidcUser, type OIDCUser } from '../oauth/oidc-user.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';

export type { OIDCUser } from '../oauth/oidc-user.ts';

/** Configuration of {@link oidc}: any OpenID Provider, found by discovery from its issuer. */
export interface OIDCConfig extends ProviderConfig {
  /** Provider id in routes and account keys (`okta`, `keycloak`, ...). */
  id: string;
  /** Human name for buttons. */
  name: string;
  /** The issuer identifier; the discovery document must name exactly this issuer. */
  issuer: string;
  /** Default `client_secret_basic` with a secret, `none` without. */
  clientAuthMethod?: ClientAuthMethod;
  /** The one ID token algorithm accepted (default RS256, or the provider's asymmetric choice). */
  idTokenSigningAlg?: string;
}

/**
 * A generic OpenID Connect provider, configured from its issuer's discovery document. Default
 * scopes `openid profile email`; `openid` is always requested.
 * @throws TypeError on a bad configuration (id, non-https issuer, HMAC or `none` algorithm)
 * @see https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth
 */
export function oidc(config: OIDCConfig): OAuthProvider<OIDCUser> {
  checkProviderId(config?.id); // before the issuer: the id is what routes and keys depend on
  const client = new OIDCClient(config.issuer, config);
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
      client,
      openid: true,
      async getUser(tokens) {
        const who = 'The OpenID Provider';
        const user = await oidcUser(client, tokens, { who, userInfo: 'optional' });
        return { profile: claimsProfile(user), user };
      },
    },
  );
}
