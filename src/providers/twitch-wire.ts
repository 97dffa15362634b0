// What Twitch sends and takes that a standard OAuth client does not: token answers whose `scope`
// is a JSON array and whose errors are `{status, message}`, and revocation with a bare client_id.
import type { OAuthClient } from '../oauth/client.ts';
import { peekJSON, readJSON } from '../oauth/transport.ts';
import { spaceSeparatedScope } from './rewrite-json.ts';

/**
 * Wraps `fetch` so Twitch's token answers read as RFC 6749 §5: `scope` joined with spaces (it is
 * an array, which oauth4webapi rightly rejects), and an error body without `error` given one
 * (`http_{status}`, the `message` as its description).
 */
export function twitchTokenFetch(fetchFn: typeof fetch, tokenURL: string): typeof fetch {
  return async (input, init) => {
    const response = await fetchFn(input, init);
    if (String(input) !== tokenURL) return response;
    const body = (await peekJSON(response)) as Record<string, unknown> | null;
    if (body === null || typeof body !== 'object') return response;
    const fixed = spaceSeparatedScope(body) ?? { ...body };
    if (!response.ok && typeof body.error !== 'string') fixed.error = `http_${response.status}`;
    if (!response.ok && body.error_description === undefined && typeof body.message === 'string')
      fixed.error_description = body.message;
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    return new Response(JSON.stringify(fixed), { status: response.status, headers });
  };
}

/**
 * Twitch's revocation: `client_id` and `token` in the body, no secret (as documented). Twitch
 * documents it for access tokens; 400 `Invalid token` for an unknown one.
 * @throws OAuthRequestError on a refusal; OAuthResponseError on a network failure or timeout
 * (the client's fetch and timeout)
 * @see https://dev.twitch.tv/docs/authentication/revoke-tokens/
 */
export async function twitchRevoke(
  client: OAuthClient,
  url: string,
  clientId: string,
  token: string,
): Promise<void> {
  const response = await client.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, token }).toString(),
  });
  if (!response.ok) await readJSON(response); // throws the typed error
  await response.body?.cancel();
}
