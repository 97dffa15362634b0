// TikTok's spelling of OAuth 2.0 on the wire: the client is `client_key` (never `client_id`) in
// token and revocation requests, the refresh token's lifetime is `refresh_expires_in`, and the
// S256 code challenge is the SHA-256 digest in hex, not base64url; API answers wrap their data
// and always carry an `error` object.
import { OAuthRequestError, OAuthResponseError } from '../oauth/errors.ts';
import { rewriteJSON } from './rewrite-json.ts';

/** `fetch` for TikTok's token and revocation endpoints (`urls`): TikTok's parameter names. */
export function tiktokFetch(fetchFn: typeof fetch, urls: readonly string[]): typeof fetch {
  return async (input, init) => {
    if (!urls.includes(String(input)) || !(init?.body instanceof URLSearchParams)) {
      return fetchFn(input, init);
    }
    const body = new URLSearchParams(init.body);
    const id = body.get('client_id');
    if (id !== null) {
      body.delete('client_id');
      body.set('client_key', id);
    }
    return renameLifetime(await fetchFn(input, { ...init, body }));
  };
}

/** Renames `refresh_expires_in` to the field latchkey reads, so refresh tokens get an expiry. */
function renameLifetime(response: Response): Promise<Response> {
  return rewriteJSON(response, ({ refresh_expires_in: lifetime, ...rest }) =>
    lifetime === undefined ? null : { refresh_token_expires_in: lifetime, ...rest },
  );
}

/** TikTok's code challenge: hex SHA-256 of the verifier (its desktop guide says so). */
export async function hexChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** An API answer: `{data, error: {code, message, log_id}}`. */
interface TikTokAnswer {
  data?: { user?: unknown };
  error?: { code?: unknown; message?: unknown };
}

/**
 * The `data` of a TikTok API answer.
 * @throws OAuthRequestError with TikTok's error code (`access_token_invalid`...) unless it is `ok`
 * @throws OAuthResponseError on a success that is not JSON
 * @see https://developers.tiktok.com/doc/tiktok-api-v2-error-handling
 */
export async function readTikTok(response: Response): Promise<TikTokAnswer['data']> {
  const body = (await response.json().catch(() => null)) as TikTokAnswer | null;
  if (response.ok && (body === null || typeof body !== 'object')) {
    throw new OAuthResponseError('TikTok answered with a body that is not JSON');
  }
  // Every answer carries `error`; only `code: "ok"` is a success.
  if (!response.ok || body?.error?.code !== 'ok') {
    const { code, message } = body?.error ?? {};
    throw new OAuthRequestError(code ?? `http_${response.status}`, message, response.status);
  }
  return body.data;
}
