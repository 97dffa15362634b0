import { constantTimeEqual } from '../core/random.ts';
import { sha256 } from '../core/sha256.ts';
import { OAuthCallbackError } from './errors.ts';

function sameSecret(a: string, b: string): boolean {
  // Hashing first makes the comparison independent of both content and length.
  return constantTimeEqual(sha256(a), sha256(b));
}

/**
 * Checks a callback URL before anything is fetched: no repeated parameter, a state equal (in
 * constant time) to the expected one.
 * @throws OAuthCallbackError
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.7.1
 */
export function checkCallbackState(callbackURL: URL, expectedState: unknown): URLSearchParams {
  const params = callbackURL.searchParams;
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (seen.has(key)) throw new OAuthCallbackError('duplicate_parameter');
    seen.add(key);
  }
  const state = params.get('state');
  if (typeof expectedState !== 'string' || expectedState.length === 0 || state === null) {
    throw new OAuthCallbackError('missing_state');
  }
  if (!sameSecret(state, expectedState)) throw new OAuthCallbackError('state_mismatch');
  return params;
}
