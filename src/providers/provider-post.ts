// A POST to a provider's own API outside the OAuth client (logout, unlink, revocation in the
// provider's shape): the configured fetch and timeout, https only, typed errors, a JSON answer.
import { toOAuthError } from '../oauth/errors.ts';
import type { ProviderConfig } from '../oauth/provider.ts';
import { checkEndpoint, configuredFetch, readJSON } from '../oauth/transport.ts';

/**
 * POSTs to `url` (https, or http to loopback only) and reads the JSON answer.
 * @throws OAuthRequestError on a non-2xx answer; OAuthResponseError on a network failure,
 * a timeout or a body that is not JSON
 */
export async function providerPost(
  config: Pick<ProviderConfig, 'fetch' | 'timeout'>,
  url: string,
  init: { body?: URLSearchParams; headers?: Record<string, string> },
  step: string,
): Promise<unknown> {
  checkEndpoint('url', url);
  const fetchFn = configuredFetch(config);
  let response: Response;
  try {
    response = await fetchFn(url, {
      ...init,
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(config.timeout ?? 10_000),
    });
  } catch (error) {
    throw toOAuthError(error, step);
  }
  return readJSON(response);
}
