// A provider without a discovery document states its endpoints; this turns them into the
// authorization server metadata the OAuth client runs on, each checked like every endpoint.
import { OAuthClient, type OAuthClientOptions } from './client.ts';
import { checkEndpoint, configuredFetch, raiseErrorBodies } from './transport.ts';

/** A provider's endpoints (https, or http to loopback only), when it has no discovery document. */
export interface ProviderEndpoints {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userInfoEndpoint?: string;
  revocationEndpoint?: string;
  /** RFC 8628 device authorization endpoint. */
  deviceAuthorizationEndpoint?: string;
  /** Set when the provider always sends `iss` on the callback: then a missing one is rejected. */
  issParameterSupported?: boolean;
  /** The provider answers token and device code errors with HTTP 200 and an `error` body. */
  http200Errors?: boolean;
}

/**
 * An OAuth client for a provider's explicit endpoints.
 * @param issuer the RFC 9207 issuer identifier, compared with the callback's `iss`
 * @throws TypeError on an endpoint that is not https (http only for loopback) or a bad option
 */
export function endpointClient(
  issuer: string,
  endpoints: ProviderEndpoints,
  options: OAuthClientOptions,
): OAuthClient {
  const url = (name: keyof ProviderEndpoints & `${string}Endpoint`) => {
    const value = endpoints[name];
    return value === undefined || value === '' ? undefined : checkEndpoint(name, value).href;
  };
  const metadata = {
    issuer,
    authorization_endpoint: checkEndpoint('authorizationEndpoint', endpoints.authorizationEndpoint)
      .href,
    token_endpoint: checkEndpoint('tokenEndpoint', endpoints.tokenEndpoint).href,
    userinfo_endpoint: url('userInfoEndpoint'),
    revocation_endpoint: url('revocationEndpoint'),
    device_authorization_endpoint: url('deviceAuthorizationEndpoint'),
    authorization_response_iss_parameter_supported: endpoints.issParameterSupported === true,
  };
  if (!endpoints.http200Errors) return new OAuthClient(metadata, options);
  const erring = [metadata.token_endpoint, metadata.device_authorization_endpoint].filter(
    (endpoint) => endpoint !== undefined,
  );
  const fetchFn = configuredFetch(options);
  return new OAuthClient(metadata, { ...options, fetch: raiseErrorBodies(fetchFn, erring) });
}
