// The one answer to an exception thrown inside any route, web or native. A store outage is
// expected to pass (503 and Retry-After); anything else is a bug or a broken hook, logged under
// a fresh id that the 500 carries too, so a report from a user can be matched to the log line.
// Neither the log nor the answer ever holds a message, a stack or a secret: codes and names only.
import type { Cookie } from '../core/cookies.ts';
import { LatchkeyError } from '../core/errors.ts';
import { errorResponse } from './responses.ts';

/** Where unexpected errors are reported. Receives codes and names only, never secrets. */
export interface AuthLogger {
  error(message: string, details: Record<string, string>): void;
  /**
   * A failed sign-in (a person cancelled, a stale or forged callback, a provider refusing the
   * code): the provider, a reason code and what the provider said. `error` when absent.
   */
  warn?(message: string, details: Record<string, string>): void;
}

/** The default logger: `console.error` and `console.warn`. */
export const consoleLogger: AuthLogger = {
  error(message, details) {
    console.error(message, details);
  },
  warn(message, details) {
    console.warn(message, details);
  },
};

/**
 * Logs an error thrown by a route and answers it: `503 store_unavailable` with `Retry-After: 5`
 * for a store failure, `503 refresh_pending` with `Retry-After: 1` for a provider-token refresh
 * another process still holds, else `500 server_error` with an `X-Latchkey-Error-Id` that the log line
 * also carries. `cookies` are set on the answer (a failed callback still clears its flow).
 */
export function answerError(
  logger: AuthLogger,
  error: unknown,
  cookies: readonly Cookie[] = [],
): Response {
  if (error instanceof LatchkeyError && error.code === 'store_error') {
    logger.error('latchkey: store unavailable', { code: error.code, name: error.name });
    return errorResponse(503, 'store_unavailable', cookies, { 'retry-after': '5' });
  }
  // A provider-token refresh another process holds and has not finished (TokenRefreshError's
  // `retryable`): transient like a store outage, and as safe to retry.
  if (error instanceof LatchkeyError && (error as { retryable?: unknown }).retryable === true) {
    logger.error('latchkey: token refresh still held elsewhere', {
      code: error.code,
      name: error.name,
    });
    return errorResponse(503, 'refresh_pending', cookies, { 'retry-after': '1' });
  }
  const errorId = crypto.randomUUID();
  logger.error('latchkey: unexpected error in an auth route', {
    errorId,
    name: error instanceof Error ? error.name : typeof error,
    code: error instanceof LatchkeyError ? error.code : 'none',
  });
  return errorResponse(500, 'server_error', cookies, { 'x-latchkey-error-id': errorId });
}
