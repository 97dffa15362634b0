/**
 * Stable string codes carried by every {@link LatchkeyError}, one per distinct failure. Callers
 * branch on `code`, never on the message. The table in docs/sessions.md ("Errors") says which
 * class carries each code and what the caller can do about it.
 */
export type LatchkeyErrorCode =
  // Core and stores.
  | 'account_exists'
  | 'store_error'
  | 'user_not_found'
  // Talking to an OAuth provider.
  | 'oauth_request'
  | 'oauth_callback'
  | 'oauth_response'
  | 'invalid_state'
  | 'config'
  // Signing out at a provider.
  | 'invalid_logout_token'
  // GitHub's API as the user.
  | 'github_sso_required'
  | 'github_permissions'
  | 'github_rate_limited'
  // Provider tokens.
  | 'reauthorization_required'
  | 'token_refresh'
  | 'token_decryption'
  // A native app signing in against a latchkey server.
  | 'server_unreachable'
  | 'server_response'
  | 'native_code'
  | 'sign_in_timeout'
  | 'access_denied'
  | 'expired_token';

/**
 * Base class of every error latchkey throws across its public API (misuse of the API throws
 * `TypeError` instead). Messages never contain a token, code, verifier or client secret.
 */
export class LatchkeyError extends Error {
  readonly code: LatchkeyErrorCode;

  constructor(code: LatchkeyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LatchkeyError';
    this.code = code;
  }
}

/**
 * The provider account (provider, issuer, provider user id) is already linked to a user.
 * The loser of two concurrent first sign-ins of the same person receives this.
 */
export class AccountExistsError extends LatchkeyError {
  readonly providerId: string;

  constructor(providerId: string, options?: { cause?: unknown }) {
    super('account_exists', `An account for provider "${providerId}" already exists`, options);
    this.name = 'AccountExistsError';
    this.providerId = providerId;
  }
}

/**
 * The store (database, cache) failed. The driver's error is kept as `cause`; the operation
 * wrote nothing (transactions roll back) and may be retried.
 */
export class StoreError extends LatchkeyError {
  constructor(operation: string, options?: { cause?: unknown }) {
    super('store_error', `The store failed during ${operation}`, options);
    this.name = 'StoreError';
  }
}

/** Throws a `TypeError` naming the argument; used for API misuse, never for untrusted input. */
export function invalidArgument(name: string, expectation: string): never {
  throw new TypeError(`latchkey: "${name}" ${expectation}`);
}
