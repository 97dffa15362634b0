// How the authorization request reaches the provider: as query parameters on the browser's URL,
// pushed to the provider first (PAR, RFC 9126) so the browser carries only `client_id` and a
// one-time `request_uri`, and optionally signed as a request object (JAR, RFC 9101).
import * as oauth from 'oauth4webapi';
import { LatchkeyError } from '../core/errors.ts';
import { OAuthResponseError, toOAuthError } from './errors.ts';
import type { RequestOptions } from './transport.ts';

/** How one client sends its authorization requests. */
export interface RequestDelivery {
  /**
   * Pushed Authorization Requests: `true` always, `false`/absent only when the provider's
   * metadata sets `require_pushed_authorization_requests` (then PAR is used regardless).
   */
  pushed: boolean | undefined;
  client: oauth.Client;
  auth: oauth.ClientAuth;
  options: (endpoint: string | undefined) => RequestOptions;
}

/** Whether this provider gets pushed requests. @throws LatchkeyError `config` without an endpoint */
export function usesPAR(as: oauth.AuthorizationServer, pushed: boolean | undefined): boolean {
  const use = pushed === true || as.require_pushed_authorization_requests === true;
  if (use && !as.pushed_authorization_request_endpoint) {
    throw new LatchkeyError(
      'config',
      'Pushed authorization requests are on, but the provider has no pushed_authorization_request_endpoint',
    );
  }
  return use;
}

/**
 * The URL the browser is sent to. With PAR the parameters are POSTed to the provider with the
 * client's authentication, and the URL carries only `client_id` and `request_uri`.
 * @throws OAuthRequestError when the provider refuses the pushed request (`invalid_client`…)
 * @see https://www.rfc-editor.org/rfc/rfc9126#section-2
 */
export async function authorizationURL(
  as: oauth.AuthorizationServer,
  params: URLSearchParams,
  delivery: RequestDelivery,
): Promise<URL> {
  if (!as.authorization_endpoint) {
    throw new OAuthResponseError('The provider metadata has no authorization_endpoint');
  }
  const url = new URL(as.authorization_endpoint);
  if (!usesPAR(as, delivery.pushed)) {
    for (const [key, value] of params) url.searchParams.set(key, value);
    return url;
  }
  let pushed: oauth.PushedAuthorizationResponse;
  try {
    const endpoint = as.pushed_authorization_request_endpoint;
    const response = await oauth.pushedAuthorizationRequest(
      as,
      delivery.client,
      delivery.auth,
      params,
      delivery.options(endpoint),
    );
    pushed = await oauth.processPushedAuthorizationResponse(as, delivery.client, response);
  } catch (error) {
    throw toOAuthError(error, 'pushed authorization request');
  }
  url.searchParams.set('client_id', delivery.client.client_id);
  url.searchParams.set('request_uri', pushed.request_uri);
  return url;
}
