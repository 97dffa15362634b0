// What a failed sign-in tells the app's logger, so that "sign-in doesn't work" can be diagnosed
// from the log: the provider, latchkey's reason code and what the provider itself said (its
// `error` and `error_description`). Never the authorization code, a token, the PKCE verifier,
// the state or a secret. The provider's words arrive in a URL anyone can craft: they are cut
// short and stripped to printable ASCII before they reach a log line.
import { LatchkeyError } from '../core/errors.ts';
import { OAuthCallbackError, OAuthRequestError, OAuthResponseError } from '../oauth/errors.ts';
import type { AuthLogger } from './error-policy.ts';

/** Why a callback was refused before the provider was asked anything. */
export type FlowFailure =
  | 'flow_cookie_missing' // no flow cookie: another host or scheme than the start, or blocked
  | 'flow_cookie_invalid' // expired, for another provider, or not sealed by this secret
  | 'state_mismatch'
  | 'flow_already_used';

function printable(value: string | null | undefined, max: number): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, max);
}

/** Logs one failed sign-in callback. */
export function logSignInFailure(
  logger: AuthLogger,
  provider: string,
  reason: string,
  said: { error?: string | null; errorDescription?: string | null } = {},
): void {
  const details: Record<string, string> = { provider, reason };
  const error = printable(said.error, 100);
  const description = printable(said.errorDescription, 300);
  if (error !== undefined) details.error = error;
  if (description !== undefined) details.errorDescription = description;
  logger.error('latchkey: sign-in failed', details);
}

/** The details of a provider-side failure worth logging (codes and the provider's words). */
export function logProviderFailure(logger: AuthLogger, provider: string, error: LatchkeyError) {
  const said =
    error instanceof OAuthRequestError
      ? { error: error.error, errorDescription: error.errorDescription }
      : error instanceof OAuthCallbackError || error instanceof OAuthResponseError
        ? { error: error.reason }
        : {};
  logSignInFailure(logger, provider, error.code, said);
}
