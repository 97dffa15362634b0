// A token check many providers need: sign-in restricted to one organisation (a Workspace domain,
// a team, a tenant) by a claim of the signed ID token — never by an authorization parameter,
// which is only a hint anyone can edit in the URL.
import { OAuthResponseError } from './errors.ts';
import type { OAuthTokens } from './provider.ts';

/**
 * A `checkTokens` holding every validated ID token to the configured value of one claim,
 * compared case-insensitively (`*`: any value, but the claim must be there). Without a
 * configured value it checks nothing; a token response without an ID token (a refresh) passes.
 * @param what names the organisation in the error ("hosted domain": "The account is not in the
 * configured hosted domain")
 * @throws OAuthResponseError (reason `{claim}_mismatch`) from the check, on a mismatch
 */
export function requireClaim(
  claim: string,
  expected: string | undefined,
  what: string,
): (tokens: OAuthTokens) => OAuthTokens {
  const want = expected?.toLowerCase();
  return (tokens) => {
    const value = tokens.idTokenClaims?.[claim];
    if (want === undefined || tokens.idTokenClaims === null) return tokens;
    if (typeof value === 'string' && (want === '*' || value.toLowerCase() === want)) return tokens;
    const message = `The account is not in the configured ${what}`;
    throw new OAuthResponseError(message, { reason: `${claim}_mismatch` });
  };
}
