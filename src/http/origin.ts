// Cross-site request forgery defence for the state-changing routes. Browsers send `Origin` on
// every cross-origin POST and `Sec-Fetch-Site` on every request; either proves where a request
// came from. A request with neither is refused: old clients lose nothing but a form post.
// Pages served with `Referrer-Policy: no-referrer` make browsers send `Origin: null` on their
// own form posts; `Sec-Fetch-Site` (which no page can forge) still vouches for those.

/**
 * Whether a state-changing request comes from the app itself: `Origin` equals the app's
 * origin or an allowed one, or — without `Origin`, or with `Origin: null` —
 * `Sec-Fetch-Site: same-origin`.
 * @see https://fetch.spec.whatwg.org/#origin-header
 * @see https://w3c.github.io/webappsec-fetch-metadata/
 */
export function isSameOriginRequest(
  request: Request,
  origin: string,
  allowedOrigins: readonly string[],
): boolean {
  const sent = request.headers.get('origin');
  if (sent !== null && sent !== 'null') return sent === origin || allowedOrigins.includes(sent);
  // No origin, or the opaque `null`: only the browser's own same-origin verdict will do (a
  // sandboxed frame's opaque origin is `cross-site` there).
  return request.headers.get('sec-fetch-site') === 'same-origin';
}
