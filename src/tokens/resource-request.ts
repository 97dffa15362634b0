// One request to a provider's API with a stored token set: `Authorization: Bearer`, or — for
// DPoP-bound tokens — `Authorization: DPoP` with a fresh proof from the set's key, sent again
// once when the server asks for its nonce. Shared by `createAccountFetch` and the GitHub client.
import * as oauth from 'oauth4webapi';
import { DPoPHandles, presentationKey, withNonceRetry } from '../oauth/dpop.ts';
import { toOAuthError } from '../oauth/errors.ts';
import { requestOptions } from '../oauth/transport.ts';
import type { ProviderTokens } from './token-set.ts';

/** A request's method, headers and body. */
export interface ResourceRequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: string | Uint8Array | URLSearchParams | ReadableStream | null;
}

/** Sends one request with the tokens; the answer is returned as the server gave it. */
export type ResourceSender = (
  tokens: Pick<ProviderTokens, 'accessToken' | 'tokenType' | 'dpopKey'>,
  url: URL,
  init: ResourceRequestInit,
) => Promise<Response>;

/** No client registration is involved in a resource request; DPoP handles need a client object. */
const RESOURCE_CLIENT: oauth.Client = { client_id: 'latchkey-resource-request' };

/**
 * A sender over `fetchFn` (default the global fetch) with a per-request `timeout` in ms. It keeps
 * each DPoP key's handle, so a server nonce is remembered between requests.
 * The sender throws `LatchkeyError` `config` for a DPoP-bound token without its key (nothing is
 * sent) and `OAuthResponseError` on a network failure or timeout.
 */
export function createResourceSender(
  fetchFn: typeof fetch = (input, init) => fetch(input, init),
  timeout: number,
): ResourceSender {
  const handles = new DPoPHandles();
  return async (tokens, url, init) => {
    const key = presentationKey(tokens);
    const headers = new Headers(init.headers);
    // The token and proof are ours to set; a caller's own would only confuse the server.
    headers.delete('authorization');
    headers.delete('dpop');
    const body = init.body instanceof URLSearchParams ? init.body.toString() : (init.body ?? null);
    if (init.body instanceof URLSearchParams && !headers.has('content-type')) {
      headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    }
    const DPoP = key ? await handles.get(RESOURCE_CLIENT, key) : undefined;
    try {
      return await withNonceRetry(() =>
        oauth.protectedResourceRequest(
          tokens.accessToken,
          init.method ?? 'GET',
          url,
          headers,
          body,
          { ...requestOptions(fetchFn, timeout, url), DPoP },
        ),
      );
    } catch (error) {
      // oauth4webapi throws on any WWW-Authenticate challenge; the caller gets the answer itself.
      if (error instanceof oauth.WWWAuthenticateChallengeError) return error.response;
      throw toOAuthError(error, 'provider API request');
    }
  };
}
