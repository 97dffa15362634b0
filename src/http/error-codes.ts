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
