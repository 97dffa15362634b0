import { OAuthClient, checkEndpoint, type ClientAuthMethod } from '../oauth/client.ts';
import { defineProvider } from '../oauth/define-provider.ts';
import type {
  OAuthProvider,
  OAuthTokens,
  ProviderConfig,
  ProviderProfile,
} from '../oauth/provider.ts';

/** GETs a JSON resource with the access token (default: the user-info endpoint). */
export type FetchJSON = (url?: string) => Promise<unknown>;

/** Configuration of {@link oauth2}: a plain OAuth 2.0 provider with explicit endpoints. */
export interface OAuth2Config<User, Id extends string = string> extends ProviderConfig {
  /** Provider id in routes and account keys. */
  id: Id;
  name: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userInfoEndpoint?: string;
  revocationEndpoint?: string;
  /**
   * The provider's issuer identifier (RFC 9207). Without it the account key's issuer is `''` and
   * any `iss` on the callback is rejected, since it cannot be checked.
   */
  issuer?: string;
  /** Set when the provider always sends `iss` on the callback: then a missing one is rejected. */
  issParameterSupported?: boolean;
  clientAuthMethod?: ClientAuthMethod;
  /** Maps the provider's user to a profile; `providerUserId` must be stable and unique. */
  mapProfile(
    tokens: OAuthTokens,
    fetchJSON: FetchJSON,
  ): Promise<{ profile: ProviderProfile; user: User }>;
}

const optional = (name: string, value: string | undefined): string | undefined =>
  value && checkEndpoint(name, value).href;

/**
 * A generic OAuth 2.0 provider with explicit endpoints and a profile mapper (no default scopes).
 * @throws TypeError on a bad configuration (id, non-https endpoints, missing mapper)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1
 */
export function oauth2<User, Id extends string = string>(
  config: OAuth2Config<User, Id>,
): OAuthProvider<User, Id> {
  if (typeof config?.mapProfile !== 'function') {
    throw new TypeError('latchkey: "mapProfile" must be a function');
  }
  const userInfo = optional('userInfoEndpoint', config.userInfoEndpoint);
  const metadata = {
    // oauth4webapi needs a non-empty issuer; this placeholder matches no real `iss`.
    issuer: config.issuer ?? `urn:latchkey:no-issuer:${config.id}`,
    authorization_endpoint: checkEndpoint('authorizationEndpoint', config.authorizationEndpoint)
      .href,
    token_endpoint: checkEndpoint('tokenEndpoint', config.tokenEndpoint).href,
    userinfo_endpoint: userInfo,
    revocation_endpoint: optional('revocationEndpoint', config.revocationEndpoint),
    authorization_response_iss_parameter_supported: config.issParameterSupported === true,
  };
  const client = new OAuthClient(metadata, config);
  return defineProvider(config, {
    id: config.id,
    name: config.name,
    issuer: config.issuer ?? '',
    scopes: [],
    client,
    getUser(tokens) {
      const fetchJSON: FetchJSON = (url) => {
        const target = url ?? userInfo;
        if (!target) throw new TypeError('latchkey: no URL given and no "userInfoEndpoint"');
        return client.fetchJSON(target, tokens.accessToken);
      };
      return config.mapProfile(tokens, fetchJSON);
    },
  });
}
