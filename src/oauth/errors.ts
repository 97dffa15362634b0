import { LatchkeyError } from '../core/errors.ts';
import * as oauth from 'oauth4webapi';

// Provider-supplied strings (error codes, descriptions) are untrusted: keep them printable ASCII
// and short, so a hostile provider cannot smuggle control characters or megabytes into logs.
function clean(value: unknown, max: number): string | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  // eslint-disable-next-line no-control-regex
  return value.slice(0, max).replace(/[^\x20-\x7e]/g, '?');
}

/**
 * The provider answered with an OAuth error: a token endpoint error (`invalid_grant`, GitHub's
 * `bad_verification_code`...), a redirect error (`access_denied`) or a resource server challenge.
 * Carries only what the provider said — never the code, a token or the client secret.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1
 */
export class OAuthRequestError extends LatchkeyError {
  /** The provider's `error` value (`access_denied`, `invalid_grant`, ...). */
  readonly error: string;
  readonly errorDescription: string | null;
  /** HTTP status of the provider's response; `null` for errors arriving on the redirect. */
  readonly status: number | null;

  constructor(error: unknown, errorDescription: unknown, status: number | null) {
    const code = clean(error, 100) ?? 'invalid_response';
    super('oauth_request', `The OAuth provider answered "${code}"`);
    this.name = 'OAuthRequestError';
    this.error = code;
    this.errorDescription = clean(errorDescription, 500);
    this.status = status;
  }
}

/** Why a callback was refused before anything was sent to the provider. */
export type OAuthCallbackReason =
  | 'missing_state'
  | 'state_mismatch'
  | 'duplicate_parameter'
  | 'iss_mismatch'
  | 'iss_missing'
  | 'missing_code'
  | 'missing_code_verifier'
  | 'missing_nonce';

/**
 * The callback request is not one latchkey started, or is malformed. Raised before any token
 * request; state problems carry code `invalid_state`, the others `oauth_callback`.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.7 (CSRF)
 * @see https://www.rfc-editor.org/rfc/rfc9207 (iss)
 */
export class OAuthCallbackError extends LatchkeyError {
  readonly reason: OAuthCallbackReason;

  constructor(reason: OAuthCallbackReason) {
    const isState = reason === 'missing_state' || reason === 'state_mismatch';
    super(isState ? 'invalid_state' : 'oauth_callback', `OAuth callback rejected: ${reason}`);
    this.name = 'OAuthCallbackError';
    this.reason = reason;
  }
}

/**
 * The provider's response could not be trusted or understood: malformed JSON, missing fields,
 * an ID token that fails validation, a discovery document for another issuer, a network failure
 * or timeout. oauth4webapi's error is the `cause` (with any token in it redacted).
 */
export class OAuthResponseError extends LatchkeyError {
  /** oauth4webapi's error code (`OAUTH_JWT_CLAIM_COMPARISON_FAILED`, ...), or `null`. */
  readonly reason: string | null;

  constructor(message: string, options?: { cause?: unknown; reason?: string | null }) {
    super('oauth_response', message, { cause: options?.cause });
    this.name = 'OAuthResponseError';
    this.reason = options?.reason ?? null;
  }
}

const SECRET_FIELDS = new Set([
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
  'client_secret',
]);

// oauth4webapi attaches the offending material to its errors (`{ body }` with the token response,
// `{ parameters }` with the callback, `{ data, signature }` for JWS checks). That helps debugging
// but would put tokens into logs via `console.log(error)`, so keep only non-secret parts.
function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 3) return value;
  if (value instanceof URLSearchParams || value instanceof Uint8Array) return '[redacted]';
  if (value instanceof URL) return `${value.origin}${value.pathname}`;
  if (
    value instanceof Response ||
    (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey)
  ) {
    return undefined;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'data' || key === 'signature' || key === 'jwt') continue;
    out[key] = SECRET_FIELDS.has(key) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

function redactCause(error: Error): Error {
  if ('cause' in error && error.cause !== undefined) {
    Object.defineProperty(error, 'cause', {
      value: redact(error.cause),
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
  return error;
}

/**
 * Turns anything thrown while talking to a provider into a latchkey error: provider OAuth errors
 * become {@link OAuthRequestError}, everything else {@link OAuthResponseError}. Latchkey errors
 * and `TypeError`s raised by latchkey itself for API misuse pass through.
 */
export function toOAuthError(error: unknown, step: string): Error {
  if (error instanceof LatchkeyError) return error;
  if (error instanceof oauth.ResponseBodyError) {
    return new OAuthRequestError(error.error, error.error_description, error.status);
  }
  if (error instanceof oauth.AuthorizationResponseError) {
    return new OAuthRequestError(error.error, error.error_description, null);
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const challenge = error.cause[0];
    return new OAuthRequestError(
      challenge?.parameters.error ?? 'invalid_token',
      challenge?.parameters.error_description,
      error.status,
    );
  }
  if (error instanceof oauth.OperationProcessingError) {
    return new OAuthResponseError(`Invalid response during ${step}: ${error.message}`, {
      cause: redactCause(error),
      reason: error.code ?? null,
    });
  }
  if (error instanceof oauth.UnsupportedOperationError) {
    return new OAuthResponseError(`Unsupported response during ${step}: ${error.message}`, {
      cause: redactCause(error),
      reason: error.code,
    });
  }
  const name = error instanceof Error ? error.name : 'Error';
  const why = name === 'TimeoutError' || name === 'AbortError' ? 'timed out' : 'failed';
  return new OAuthResponseError(`The request during ${step} ${why}`, {
    cause: error instanceof Error ? redactCause(error) : undefined,
  });
}
