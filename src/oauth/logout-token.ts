// Signing out at an OpenID Provider, both ways: the URL that ends the provider session
// (RP-initiated logout) and the validation of the logout tokens a provider POSTs when its session
// ends (back-channel logout). Single use of a token's `jti` needs storage, so the caller (the
// routes) enforces it; everything that depends only on the token and the provider is here.
import { createRemoteJWKSet, customFetch, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type { JWTPayload } from 'jose';
import { LatchkeyError } from '../core/errors.ts';
import { checkEndpoint } from './transport.ts';
import type { OIDCClient } from './oidc-client.ts';

/** The event a logout token must carry. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

// A logout token is sent the moment the provider session ends; an older one is a replay or a
// stuck queue. The `jti` record the routes keep must outlive this window.
const MAX_TOKEN_AGE = 5 * 60;
// Tolerated clock difference with the provider, in both directions.
const CLOCK_SKEW = 60;
/** Seconds after its `iat` during which a logout token is accepted (its `jti` must be kept so long). */
export const LOGOUT_TOKEN_WINDOW = MAX_TOKEN_AGE + CLOCK_SKEW;
const MAX_TOKEN_LENGTH = 16_384;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Why a logout token was refused. */
export type LogoutTokenReason =
  'malformed' | 'signature' | 'claims' | 'events' | 'nonce' | 'subject' | 'replayed';

/**
 * A logout token failed validation; nothing may be signed out because of it. The message names
 * the failed check only, never the token.
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation
 */
export class LogoutTokenError extends LatchkeyError {
  readonly reason: LogoutTokenReason;

  constructor(reason: LogoutTokenReason, options?: { cause?: unknown }) {
    super('invalid_logout_token', `Logout token rejected: ${reason}`, options);
    this.name = 'LogoutTokenError';
    this.reason = reason;
  }
}

/** What a valid logout token says: which provider session, or which subject, has ended. */
export interface LogoutTokenClaims {
  /** The provider's session id, or `null` when the token names only a subject. */
  sid: string | null;
  /** The subject (the account's provider user id), or `null` when only `sid` is given. */
  sub: string | null;
  /** Unique per token: the caller rejects a second use. */
  jti: string;
  /** Issued at, in seconds since the epoch. */
  iat: number;
  /**
   * The verified issuer: `sid` and `sub` are unique only within it (one Entra `common` provider
   * has an issuer per tenant).
   */
  iss: string;
}

/** Options of {@link ProviderLogout.createEndSessionURL}. */
export interface EndSessionOptions {
  /** The ID token of the sign-in whose provider session ends; `null` when none was kept. */
  idTokenHint: string | null;
  /** Where the provider sends the browser afterwards; registered with the provider. */
  postLogoutRedirectURI: string;
  state: string;
}

/** Sign-out at an OpenID Provider: what OIDC providers add to {@link OAuthProvider}. */
export interface ProviderLogout {
  /**
   * The provider's `end_session_endpoint` with `id_token_hint`, `client_id`,
   * `post_logout_redirect_uri` and `state`; `null` when the provider has no such endpoint.
   * @throws OAuthResponseError when discovery fails
   * @see https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout
   */
  createEndSessionURL(options: EndSessionOptions): Promise<URL | null>;
  /**
   * Validates a back-channel logout token: signature with the provider's keys and the one
   * expected algorithm, `iss` (the one its ID tokens with these claims must carry), `aud`, `iat`
   * within five minutes, `jti`, the logout event, `sid` and/or `sub`, and no `nonce`. Does not check `jti` reuse: the caller must.
   * @throws LogoutTokenError when any check fails
   * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation
   */
  validateLogoutToken(token: string, options?: { now?: number }): Promise<LogoutTokenClaims>;
}

function isEventsClaim(events: unknown): boolean {
  if (typeof events !== 'object' || events === null || Array.isArray(events)) return false;
  const event = (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT];
  return typeof event === 'object' && event !== null && !Array.isArray(event);
}

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= 1024 ? value : null;
}

/** The claim checks after the signature, issuer and audience are verified. */
function checkClaims(payload: JWTPayload, nowSeconds: number): LogoutTokenClaims {
  const { iat, jti } = payload;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new LogoutTokenError('claims');
  if (iat > nowSeconds + CLOCK_SKEW || iat < nowSeconds - MAX_TOKEN_AGE - CLOCK_SKEW) {
    throw new LogoutTokenError('claims');
  }
  if (nonEmpty(jti) === null) throw new LogoutTokenError('claims');
  if (!isEventsClaim(payload.events)) throw new LogoutTokenError('events');
  // A nonce would make it an ID token: refusing it stops an ID token being replayed as a logout.
  if (payload.nonce !== undefined) throw new LogoutTokenError('nonce');
  const sid = nonEmpty(payload.sid);
  const sub = nonEmpty(payload.sub);
  if (payload.sid !== undefined && sid === null) throw new LogoutTokenError('subject');
  if (payload.sub !== undefined && sub === null) throw new LogoutTokenError('subject');
  if (sid === null && sub === null) throw new LogoutTokenError('subject');
  return { sid, sub, jti: jti as string, iat, iss: payload.iss as string };
}

/**
 * The sign-out half of an OIDC client: the end-session URL and logout token validation, keyed
 * with the issuer's JWKS (fetched through the client's `fetch`, re-fetched on an unknown `kid`
 * at most every 30 seconds).
 */
export function oidcLogout(client: OIDCClient): ProviderLogout {
  let jwks: { uri: string; set: ReturnType<typeof createRemoteJWKSet> } | null = null;
  const keysFor = (uri: string) => {
    if (jwks?.uri !== uri) {
      const url = checkEndpoint('jwks_uri', uri);
      jwks = {
        uri,
        set: createRemoteJWKSet(url, {
          [customFetch]: (input: string, init: RequestInit) => client.fetch(input, init),
        }),
      };
    }
    return jwks.set;
  };
  return {
    async createEndSessionURL(options) {
      const as = await client.metadata();
      if (typeof as.end_session_endpoint !== 'string') return null;
      const url = checkEndpoint('end_session_endpoint', as.end_session_endpoint);
      if (options.idTokenHint !== null) url.searchParams.set('id_token_hint', options.idTokenHint);
      // With a post-logout URI the spec asks for client_id too, so the provider can check it
      // even when the hint is missing or expired.
      url.searchParams.set('client_id', client.clientId);
      url.searchParams.set('post_logout_redirect_uri', options.postLogoutRedirectURI);
      url.searchParams.set('state', options.state);
      return url;
    },
    async validateLogoutToken(token, options = {}) {
      if (
        typeof token !== 'string' ||
        token.length > MAX_TOKEN_LENGTH ||
        !COMPACT_JWS.test(token)
      ) {
        throw new LogoutTokenError('malformed');
      }
      let typ: unknown;
      let unverified: JWTPayload;
      try {
        typ = decodeProtectedHeader(token).typ;
        unverified = decodeJwt(token);
      } catch (error) {
        throw new LogoutTokenError('malformed', { cause: error });
      }
      // Explicit typing (§2.4) where the provider uses it; any other `typ` is another token kind.
      if (
        typ !== undefined &&
        !['logout+jwt', 'application/logout+jwt', 'JWT'].includes(`${typ}`)
      ) {
        throw new LogoutTokenError('claims');
      }
      const as = await client.metadata();
      if (typeof as.jwks_uri !== 'string') throw new LogoutTokenError('signature');
      const now = options.now ?? Date.now();
      let payload: JWTPayload;
      try {
        // The `iss` an ID token with these claims must carry (Entra's `common`: the issuer of
        // the token's own `tid`, a tenant the app accepts). Read before the signature is checked,
        // but jwtVerify then demands exactly this value of the signed payload.
        const issuer = client.expectedIssuer(unverified, as);
        ({ payload } = await jwtVerify(token, keysFor(as.jwks_uri), {
          // One algorithm, the ID token's: never `none`, never HMAC with a public key.
          algorithms: [client.expectedAlg(as)],
          issuer,
          audience: client.clientId,
          currentDate: new Date(now),
          clockTolerance: CLOCK_SKEW,
        }));
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const claims = code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' || code === 'ERR_JWT_EXPIRED';
        throw new LogoutTokenError(claims ? 'claims' : 'signature', { cause: error });
      }
      return checkClaims(payload, Math.floor(now / 1000));
    },
  };
}
