// The reason codes a failed sign-in may name, on the built-in error page and in the `?error=`
// sent to the app's `errorURL`. Anything else a provider (or a crafted link) puts in `?error=`
// is shown as `oauth_error`: the page never reflects text it did not choose itself.

const SIGN_IN_ERROR_CODES: ReadonlySet<string> = new Set([
  // RFC 6749 §4.1.2.1, the provider's answer at the callback
  'invalid_request',
  'unauthorized_client',
  'access_denied',
  'unsupported_response_type',
  'invalid_scope',
  'server_error',
  'temporarily_unavailable',
  // OpenID Connect Core §3.1.2.6
  'interaction_required',
  'login_required',
  'account_selection_required',
  'consent_required',
  // latchkey's own
  'sign_in_denied',
  'account_exists',
  'link_session_mismatch',
  'connect_only',
  'invalid_state',
  'missing_flow_cookie',
  'oauth_request',
  'oauth_callback',
  'oauth_response',
  'oauth_error',
]);

/**
 * The sign-in error code to show for an untrusted `value`: the value itself when it is a known
 * code, else `oauth_error`. Apps with their own `errorURL` page can use it the same way.
 */
export function signInErrorCode(value: string | null | undefined): string {
  return typeof value === 'string' && SIGN_IN_ERROR_CODES.has(value) ? value : 'oauth_error';
}

// A sentence for the codes whose cause a developer can fix, shown under the code on the page.
const HINTS: Readonly<Record<string, string>> = {
  missing_flow_cookie:
    'The sign-in cookie did not come back with the callback: the browser blocked it, the ' +
    'sign-in started on another origin or port than the callback (localhost and 127.0.0.1 ' +
    'are different sites), or this callback was already used. Start the sign-in again from ' +
    'the address the app runs on.',
  invalid_state:
    'The callback does not belong to the sign-in this browser started: it was opened twice, ' +
    'expired (after 10 minutes) or came from another browser. Start the sign-in again.',
};

/** A fixed sentence explaining a sign-in error code, or `null`; never text from a request. */
export function signInErrorHint(code: string): string | null {
  return Object.hasOwn(HINTS, code) ? HINTS[code]! : null;
}
