// One log line per failed callback, so a sign-in that "just fails" can be diagnosed from the
// server log: the provider, the code the page shows, a finer reason, and what the provider said.
// Never a code, token, verifier, state, cookie or secret: only these fields are ever written.
import type { AuthLogger } from './error-policy.ts';

/** What the provider said about a failure (`error`, `error_description`); untrusted text. */
export interface ProviderSaid {
  error?: unknown;
  errorDescription?: unknown;
}

// Provider text is untrusted: bounded, control and format characters (newlines, bidi
// overrides) replaced, so a hostile provider cannot forge log lines or flood them.
function sanitise(value: unknown, max: number): string | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  const bounded = value.length > max ? `${value.slice(0, max)}…` : value;
  return bounded.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '?');
}

/**
 * Logs a failed sign-in callback. `code` is what the error page (or `errorURL`) shows; `reason`
 * says more (`state_mismatch`, `flow_already_used`, the provider's error...).
 */
export function logSignInFailure(
  logger: AuthLogger,
  providerId: string,
  code: string,
  reason: string,
  said: ProviderSaid = {},
): void {
  const details: Record<string, string> = { provider: providerId, code, reason };
  const error = sanitise(said.error, 100);
  const description = sanitise(said.errorDescription, 300);
  if (error !== null) details.error = error;
  if (description !== null) details.errorDescription = description;
  (logger.warn ?? logger.error).call(logger, 'latchkey: sign-in failed', details);
}
