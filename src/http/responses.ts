// Response helpers shared by the routes. Every auth response is `no-store`: they carry cookies,
// session data or one-shot redirects that no cache may keep.
import type { Cookie } from '../core/cookies.ts';

/** Error codes the HTTP routes answer with (JSON `error`, or `?error=` on the error page). */
export type HttpErrorCode =
  | 'not_found'
  | 'method_not_allowed'
  | 'invalid_request'
  | 'duplicate_parameter'
  | 'invalid_scope'
  | 'invalid_state'
  | 'forbidden_origin'
  | 'unauthorized'
  | 'rate_limited'
  | 'store_unavailable'
  | 'server_error'
  | 'last_account'
  | 'account_exists'
  | 'access_denied'
  | 'sign_in_denied'
  | 'link_session_mismatch'
  | 'oauth_error';

function baseHeaders(cookies: readonly Cookie[]): Headers {
  const headers = new Headers({
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  });
  for (const cookie of cookies) headers.append('set-cookie', cookie.serialize());
  return headers;
}

// Bodies of the text responses built here, so the Node adapters can write them directly instead
// of draining a web stream (a measurable share of a small response's cost on Node).
const textBodies = new WeakMap<Response, string>();

/** A response with a text body, remembered for {@link responseText}. */
export function textResponse(body: string, init: ResponseInit): Response {
  const response = new Response(body, init);
  textBodies.set(response, body);
  return response;
}

/**
 * The body of a response made by {@link textResponse}, or `undefined` for any other response
 * (read its stream then). Valid only while the body is unread.
 */
export function responseText(response: Response): string | undefined {
  return response.bodyUsed ? undefined : textBodies.get(response);
}

/** A JSON response. */
export function json(status: number, body: unknown, cookies: readonly Cookie[] = []): Response {
  const headers = baseHeaders(cookies);
  headers.set('content-type', 'application/json; charset=utf-8');
  return textResponse(JSON.stringify(body), { status, headers });
}

/** A JSON error `{ error: code }`; never a message, never a stack. */
export function errorResponse(
  status: number,
  code: HttpErrorCode,
  cookies: readonly Cookie[] = [],
  extraHeaders?: Record<string, string>,
): Response {
  const response = json(status, { error: code }, cookies);
  for (const [k, v] of Object.entries(extraHeaders ?? {})) response.headers.set(k, v);
  return response;
}

/** A redirect (302 after a GET, 303 after a form POST) to an absolute URL we built ourselves. */
export function redirect(
  location: string,
  cookies: readonly Cookie[] = [],
  status = 302,
): Response {
  const headers = baseHeaders(cookies);
  headers.set('location', location);
  return new Response(null, { status, headers });
}

/** A 204 with cookies. */
export function noContent(cookies: readonly Cookie[] = []): Response {
  return new Response(null, { status: 204, headers: baseHeaders(cookies) });
}

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHTML(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The built-in error page, used when the app configures no `errorURL`. */
export function errorPage(code: string): Response {
  const headers = baseHeaders([]);
  headers.set('content-type', 'text/html; charset=utf-8');
  headers.set('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
  const body = `<!doctype html><meta charset="utf-8"><title>Sign-in failed</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}code{background:#eee;padding:.1rem .3rem}</style>
<h1>Sign-in failed</h1><p>Error: <code>${escapeHTML(code)}</code></p><p><a href="/">Back</a></p>`;
  return new Response(body, { status: 400, headers });
}
