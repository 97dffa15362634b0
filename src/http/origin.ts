// Cross-site request forgery defence for the state-changing routes. Browsers send `Origin` on
// every cross-origin POST and `Sec-Fetch-Site` on every request; either proves where a request
// came from. A request with neither is refused: old clients lose nothing but a form post.

/**
 * Whether a state-changing request comes from the app itself: `Origin` equals the app's
 * origin or an allowed one, or — without `Origin` — `Sec-Fetch-Site: same-origin`.
 * @see https://fetch.spec.whatwg.org/#origin-header
 * @see https://w3c.github.io/webappsec-fetch-metadata/
 */
export function isSameOriginRequest(
  request: Request,
  origin: string,
  allowedOrigins: readonly string[],
): boolean {
  const sent = request.headers.get('origin');
  if (sent !== null) {
    // `null` (sandboxed frames, some redirects) never matches: it is not an origin.
    return sent === origin || allowedOrigins.includes(sent);
  }
  return request.headers.get('sec-fetch-site') === 'same-origin';
}
