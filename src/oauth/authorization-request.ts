// How the authorization request reaches the provider: as query parameters on the browser's URL,
// pushed to the provider first (PAR, RFC 9126) so the browser carries only `client_id` and a
// one-time `request_uri`, and optionally signed as a request object (JAR, RFC 9101).
import * as oauth from 'oauth4webapi';
import { LatchkeyError } from '../core/errors.ts';
import type { SigningKey } from './client-auth.ts';
import { OAuthResponseError, toOAuthError } from './errors.ts';
import type { RequestOptions } from './transport.ts';

/** How one client sends its authorization requests. */
export interface RequestDelivery {
  /**
   * Pushed Authorization Requests: `true` always, `false`/absent only when the provider's
   * metadata sets `require_pushed_authorization_requests` (then PAR is used regardless).
   */
  pushed: boolean | undefined;
  /**
   * Signed request objects (JAR): `true` always, `false`/absent only when the provider's metadata
   * sets `require_signed_request_object`. Needs `signingKey`.
   */
  signed: boolean | undefined;
  signingKey: (() => Promise<SigningKey>) | null;
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
  if (delivery.signed === true || as.require_signed_request_object === true) {
    params = await requestObject(as, params, delivery);
  }
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

/**
 * Replaces the parameters with a request object signed with the client's key (`iss`, `aud`,
 * `iat`, `exp`, `jti` set by oauth4webapi): the provider then trusts only what the JWT says.
 * @throws LatchkeyError `config` without a client key
 * @see https://www.rfc-editor.org/rfc/rfc9101#section-4
 */
async function requestObject(
  as: oauth.AuthorizationServer,
  params: URLSearchParams,
  delivery: RequestDelivery,
): Promise<URLSearchParams> {
  if (delivery.signingKey === null) {
    throw new LatchkeyError('config', 'Signed request objects need a "clientPrivateKey"');
  }
  const key = await delivery.signingKey();
  let jwt: string;
  try {
    jwt = await oauth.issueRequestObject(as, delivery.client, params, key);
  } catch (error) {
    throw toOAuthError(error, 'request object signing');
  }
  return new URLSearchParams({ client_id: delivery.client.client_id, request: jwt });
}
