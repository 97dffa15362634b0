// Facebook's Graph API answers errors as `{ error: { message, type, code, fbtrace_id } }`, at
// the token endpoint too. This reshapes them into RFC 6749 errors (so the OAuth client raises a
// typed OAuthRequestError) and signs API calls with `appsecret_proof`.
import { peekJSON } from '../oauth/transport.ts';

const utf8 = new TextEncoder();

/** `appsecret_proof`: HMAC-SHA256 of the access token keyed with the app secret, hex. */
export async function appSecretProof(accessToken: string, appSecret: string): Promise<string> {
  // WebCrypto, not node:crypto: latchkey also runs on edge runtimes.
  const hmac = { name: 'HMAC', hash: 'SHA-256' };
  const key = await crypto.subtle.importKey('raw', utf8.encode(appSecret), hmac, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8.encode(accessToken)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The RFC 6749 `error` of a Graph error code (`tokenEndpoint`: at the token endpoint). */
function rfcError(code: unknown, tokenEndpoint: boolean): string {
  if (code === 190) return 'invalid_token'; // an invalid or expired access token
  if (!tokenEndpoint) return typeof code === 'number' ? `graph_${code}` : 'graph_error';
  if (code === 1 || code === 101) return 'invalid_client'; // "Error validating client secret."
  // 100 covers bad, used and expired codes and a redirect_uri that differs; 191 a bad redirect.
  return code === 100 || code === 191 ? 'invalid_grant' : 'invalid_request';
}

/** Wraps `fetch` so that Graph error bodies from `graph` become RFC 6749 error bodies. */
export function graphErrors(send: typeof fetch, graph: string, tokenURL: string): typeof fetch {
  return async (input, init) => {
    const response = await send(input, init);
    const href = input instanceof Request ? input.url : String(input);
    if (response.ok || !href.startsWith(`${graph}/`)) return response;
    const body = (await peekJSON(response)) as {
      error?: { message?: unknown; code?: unknown };
    } | null;
    const error = body?.error;
    if (typeof error !== 'object' || error === null) return response;
    const tokenEndpoint = href.split('?')[0] === tokenURL;
    const reshaped = {
      error: rfcError(error.code, tokenEndpoint),
      ...(typeof error.message === 'string' ? { error_description: error.message } : {}),
    };
    return new Response(JSON.stringify(reshaped), {
      status: response.status,
      headers: { 'content-type': 'application/json' },
    });
  };
}
