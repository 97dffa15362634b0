// The response helpers of every route, web and native. Every auth response carries cookies,
// session data, codes or one-shot redirects, so none may be cached (RFC 6749 §5.1 also asks for
// `Pragma: no-cache` on token answers) or leak its URL in a Referer (RFC 8252 §8.10).
import type { Cookie } from '../core/cookies.ts';
import { signInErrorHint } from './error-codes.ts';

/** Error codes the HTTP routes answer with (JSON `error`, or `?error=` on the error page). */
export type HttpErrorCode =
  | 'not_found'
  | 'method_not_allowed'
  | 'invalid_request'
  | 'duplicate_parameter'
  | 'invalid_scope'
  | 'invalid_state'
  | 'missing_flow_cookie'
  | 'forbidden_origin'
  | 'unauthorized'
  | 'rate_limited'
  | 'store_unavailable'
  | 'refresh_pending'
  | 'server_error'
  | 'last_account'
  | 'account_exists'
  | 'access_denied'
  | 'sign_in_denied'
  | 'link_session_mismatch'
  | 'connect_only'
  | 'oauth_error';

// No script, no framing, forms only back to us: the pages are plain server-rendered HTML.
const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

function baseHeaders(cookies: readonly Cookie[]): Headers {
  const headers = new Headers({
    'cache-control': 'no-store',
    pragma: 'no-cache',
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

/**
 * An RFC 6749 §5.2 error (`invalid_grant`, `invalid_request`, ...), status 400 unless given.
 * The description is a fixed sentence chosen by latchkey, never an echo of the request.
 */
export function oauthError(error: string, description: string, status = 400): Response {
  return json(status, { error, error_description: description });
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

/**
 * A small HTML page under a strict CSP that also forbids framing. `csp` replaces the default
 * policy (say why where it is used); `cookies` are set with it.
 */
export function htmlPage(
  html: string,
  status = 200,
  options: { csp?: string; cookies?: readonly Cookie[] } = {},
): Response {
  const headers = baseHeaders(options.cookies ?? []);
  headers.set('content-type', 'text/html; charset=utf-8');
  headers.set('content-security-policy', options.csp ?? PAGE_CSP);
  headers.set('x-frame-options', 'DENY');
  return textResponse(html, { status, headers });
}

/** Copies a response with extra `Set-Cookie` headers (a callback clears the flow cookie). */
export function withCookies(response: Response, cookies: readonly Cookie[]): Response {
  const headers = new Headers(response.headers);
  for (const cookie of cookies) headers.append('set-cookie', cookie.serialize());
  return new Response(response.body, { status: response.status, headers });
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

/**
 * The built-in error page, used when the app configures no `errorURL`: the reason code and, for
 * a code a developer can act on, a fixed hint. `cookies` are set with it.
 */
export function errorPage(code: string, cookies: readonly Cookie[] = []): Response {
  const hint = signInErrorHint(code);
  const body = `<!doctype html><meta charset="utf-8"><title>Sign-in failed</title>
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}code{background:#eee;padding:.1rem .3rem}</style>
<h1>Sign-in failed</h1><p>Error: <code>${escapeHTML(code)}</code></p>${hint === null ? '' : `<p>${escapeHTML(hint)}</p>`}<p><a href="/">Back</a></p>`;
  return htmlPage(body, 400, { cookies });
}
