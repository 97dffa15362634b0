// VK ID's own API calls (user_info, logout, revoke): a form POST of the app id and the access
// token — in the body, as VK ID documents — answered with JSON or an `error` body.
import { OAuthRequestError } from '../oauth/errors.ts';
import type { ProviderConfig } from '../oauth/provider.ts';
import { providerPost } from './provider-post.ts';

/**
 * POSTs `client_id` and `access_token` to a VK ID endpoint.
 * @throws OAuthRequestError on an error status or an `error` body (whatever the status)
 * @throws OAuthResponseError on a network failure, a timeout or a body that is not JSON
 */
export async function vkPost(
  config: Pick<ProviderConfig, 'clientId' | 'fetch' | 'timeout'>,
  url: string,
  accessToken: string,
): Promise<Record<string, unknown> | null> {
  const body = new URLSearchParams({ client_id: config.clientId, access_token: accessToken });
  const answer = (await providerPost(config, url, { body }, 'VK ID request')) as Record<
    string,
    unknown
  > | null;
  if (typeof answer?.error === 'string')
    throw new OAuthRequestError(answer.error, answer.error_description, 200);
  return answer;
}
