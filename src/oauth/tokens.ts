import type { OAuthTokens } from './provider.ts';

/** The token endpoint fields latchkey reads (wire names). */
export interface TokenResponseFields {
  access_token: string;
  token_type: string;
  refresh_token?: string;
  expires_in?: number;
  /** GitHub Apps' expiring user tokens. */
  refresh_token_expires_in?: number | string;
  scope?: string;
  id_token?: string;
}

// The fields of RFC 6749 §5.1 (and GitHub's refresh_token_expires_in, OIDC's id_token): the rest of
// an answer is the provider's own and goes to `extra`.
const STANDARD_FIELDS: ReadonlySet<string> = new Set([
  'access_token',
  'token_type',
  'refresh_token',
  'expires_in',
  'refresh_token_expires_in',
  'scope',
  'id_token',
]);

// A Date header further than this from our clock is a broken server clock, not latency: we
// then count from our own clock instead, so a token is never believed valid for days.
const MAX_DATE_SKEW = 5 * 60_000;

/**
 * The instant a token response was issued: its `Date` header (RFC 9110 §6.6.1) where present and
 * sane, else `now`. Counting `expires_in` from the server's Date, not from when the response
 * reached us, avoids overestimating a lifetime after a slow response.
 */
export function issuedAt(dateHeader: string | null, now: number): number {
  if (!dateHeader) return now;
  const date = Date.parse(dateHeader);
  if (!Number.isFinite(date) || Math.abs(date - now) > MAX_DATE_SKEW) return now;
  // A Date slightly ahead of us is clock skew, not information: never extend a lifetime with it.
  return Math.min(date, now);
}

function seconds(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}

/** Splits a granted scope list; GitHub separates with commas, RFC 6749 §3.3 with spaces. */
export function splitScopes(scope: unknown): string[] {
  if (typeof scope !== 'string') return [];
  return scope.split(/[ ,]/).filter((s) => s.length > 0);
}

/**
 * Builds {@link OAuthTokens} from a validated token endpoint response.
 * @param fields the response body, as returned by oauth4webapi
 * @param dateHeader the response's `Date` header
 * @param idTokenClaims the validated ID token claims, or `null`
 * @param requested the scopes this grant asked for: what was granted when `scope` is left out
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function tokensFromResponse(
  fields: TokenResponseFields,
  dateHeader: string | null,
  now: number,
  idTokenClaims: Record<string, unknown> | null,
  requested: readonly string[] | null = null,
): OAuthTokens {
  const base = issuedAt(dateHeader, now);
  const expiresIn = seconds(fields.expires_in);
  const refreshExpiresIn = seconds(fields.refresh_token_expires_in);
  // "OPTIONAL, if identical to the scope requested by the client": absent is not "none". An
  // empty string is a list, though — GitHub Apps send `""` and grant no scopes.
  const scopesReported = typeof fields.scope === 'string';
  return {
    accessToken: fields.access_token,
    tokenType: fields.token_type,
    refreshToken: typeof fields.refresh_token === 'string' ? fields.refresh_token : null,
    accessTokenExpiresAt: expiresIn === null ? null : new Date(base + expiresIn * 1000),
    refreshTokenExpiresAt:
      refreshExpiresIn === null || typeof fields.refresh_token !== 'string'
        ? null
        : new Date(base + refreshExpiresIn * 1000),
    scopes: scopesReported ? splitScopes(fields.scope) : [...(requested ?? [])],
    scopesReported,
    idToken: typeof fields.id_token === 'string' ? fields.id_token : null,
    idTokenClaims,
    extra: Object.fromEntries(Object.entries(fields).filter(([key]) => !STANDARD_FIELDS.has(key))),
  };
}
