import type { Latchkey } from '../core/latchkey.ts';
import { OAuthClient, checkEndpoint, type ClientAuthMethod } from '../oauth/client.ts';
import type { OAuthProvider, OAuthTokens, ProviderProfile } from '../oauth/provider.ts';
import { providerFactory, type ProviderAuth } from '../oauth/provider-auth.ts';

/** GETs a JSON resource with the access token (default: the user-info endpoint). */
export type FetchJSON = (url?: string) => Promise<unknown>;

/** Configuration of {@link oauth2}: a plain OAuth 2.0 provider with explicit endpoints. */
export interface OAuth2Config<User> {
  /** Provider id in routes and account keys. */
  id: string;
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
  clientId: string;
  clientSecret?: string;
  clientAuthMethod?: ClientAuthMethod;
  redirectURI?: string;
  scopes?: readonly string[];
  allowedScopes?: readonly string[];
  pkce?: boolean;
  fetch?: typeof fetch;
  timeout?: number;
  /** Maps the provider's user to a profile; `providerUserId` must be stable and unique. */
  mapProfile(
    tokens: OAuthTokens,
    fetchJSON: FetchJSON,
  ): Promise<{ profile: ProviderProfile; user: User }>;
}

function createOAuth2<User>(config: OAuth2Config<User>): OAuthProvider<User> {
  if (typeof config?.id !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(config.id)) {
    throw new TypeError('latchkey: "id" must be 1-64 lowercase letters, digits, _ or -');
  }
  if (typeof config.mapProfile !== 'function') {
    throw new TypeError('latchkey: "mapProfile" must be a function');
  }
  const endpoints = {
    authorization_endpoint: checkEndpoint('authorizationEndpoint', config.authorizationEndpoint)
      .href,
    token_endpoint: checkEndpoint('tokenEndpoint', config.tokenEndpoint).href,
    userinfo_endpoint:
      config.userInfoEndpoint && checkEndpoint('userInfoEndpoint', config.userInfoEndpoint).href,
    revocation_endpoint:
      config.revocationEndpoint &&
      checkEndpoint('revocationEndpoint', config.revocationEndpoint).href,
  };
  const client = new OAuthClient(
    {
      // oauth4webapi needs a non-empty issuer; this placeholder matches no real `iss`.
      issuer: config.issuer ?? `urn:latchkey:no-issuer:${config.id}`,
      ...endpoints,
      authorization_response_iss_parameter_supported: config.issParameterSupported === true,
    },
    config,
  );
  const defaultScopes = config.scopes ?? [];
  return {
    id: config.id,
    name: config.name,
    issuer: config.issuer ?? '',
    defaultScopes,
    allowedScopes: config.allowedScopes ?? defaultScopes,
    pkce: client.pkce,
    createAuthorizationURL: (o) =>
      client.createAuthorizationURL({ ...o, scopes: o.scopes ?? defaultScopes }),
    validateAuthorizationCode: (o) => client.validateAuthorizationCode(o),
    refreshAccessToken: (token) => client.refreshAccessToken(token),
    revokeToken: (token) => client.revokeToken(token),
    async getUser(tokens) {
      const fetchJSON: FetchJSON = (url) => {
        const target = url ?? endpoints.userinfo_endpoint;
        if (!target) throw new TypeError('latchkey: no URL given and no "userInfoEndpoint"');
        return client.fetchJSON(target, tokens.accessToken);
      };
      return config.mapProfile(tokens, fetchJSON);
    },
  };
}

const factory = providerFactory(createOAuth2<unknown>);

/**
 * A generic OAuth 2.0 provider with explicit endpoints and a profile mapper.
 * `oauth2(config)` returns the provider; `oauth2(auth, config)` the seeds' `ProviderAuth`.
 * @throws TypeError on a bad configuration (id, non-https endpoints, missing mapper)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1
 */
export function oauth2<User, UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  config: OAuth2Config<User> & { redirectURI: string },
): ProviderAuth<UA, SA, User, string>;
export function oauth2<User>(config: OAuth2Config<User>): OAuthProvider<User>;
export function oauth2(authOrConfig: unknown, config?: OAuth2Config<unknown>): unknown {
  return (factory as (a: unknown, b?: unknown) => unknown)(authOrConfig, config);
}
