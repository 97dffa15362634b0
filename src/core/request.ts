// Reading a session from a request, in one place: the handler's routes, every adapter and
// `auth.handleRequest` go through `readRequestSession`, so the cookie-or-bearer order and the
// cookie's name are decided once.
import type { Cookie } from './cookies.ts';
import { readCookie } from './cookies.ts';
import type { Session, SessionValidationResult } from './types.ts';

/** Longest bearer token latchkey reads; longer headers are treated as absent. */
const MAX_AUTHORIZATION = 1024;

/**
 * Reads the token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1). Anything else —
 * another scheme, extra spaces, non-ASCII, oversized — yields `null`.
 */
export function readBearerToken(header: string | null | undefined): string | null {
  if (!header || header.length > MAX_AUTHORIZATION) return null;
  if (header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') return null;
  const token = header.slice(7);
  // b64token per RFC 6750: visible ASCII subset, no spaces.
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) return null;
  return token;
}

/** Anything that carries request headers: a fetch `Request`, a `Headers`, or Node's plain object. */
export type HeadersLike = Headers | { headers: Headers | NodeHeaders };

/** Node's `IncomingMessage.headers`: lower-case names, repeated ones as arrays. */
type NodeHeaders = Record<string, string | string[] | undefined>;

/** A request's absolute URL and its headers: a fetch `Request`, or what a Node request gives. */
export interface RequestLike {
  url: string;
  headers: Headers | NodeHeaders;
  /** The origin of `url` when the caller already has it, normalised: spares parsing `url`. */
  readonly urlOrigin?: string;
}

/** Reads one header from any {@link HeadersLike} (first value when repeated). */
export function getHeader(source: HeadersLike, name: string): string | null {
  const headers = source instanceof Headers ? source : source.headers;
  if (headers instanceof Headers) return headers.get(name);
  const value = headers[name];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}

/** What reading a request's session needs of the core (a `Latchkey` is one). */
export interface SessionReader<UA extends object, SA extends object> {
  sessionCookieName(origin?: string | URL): string;
  validateSession(
    token: string | null | undefined,
  ): Promise<SessionValidationResult<UA, SA> | null>;
  createSessionCookie(
    token: string,
    session: Pick<Session<SA>, 'expiresAt'>,
    origin?: string | URL,
  ): Cookie;
}

/** Where a request's session token was found. */
export type SessionTokenSource = 'cookie' | 'bearer';

/** Which places {@link readRequestSession} looks in. Default: the cookie, else a bearer token. */
export interface ReadSessionOptions {
  /** Look only at the session cookie, or only at the `Authorization: Bearer` header. */
  only?: SessionTokenSource;
}

/** A request's session token and where it was found. */
export interface SessionToken {
  token: string;
  via: SessionTokenSource;
}

/** A request's validated session, with its token and where it was found. */
export interface RequestSession<UA extends object, SA extends object> extends SessionToken {
  result: SessionValidationResult<UA, SA>;
  /**
   * The cookie to send back because this validation renewed a cookie session (its new expiry
   * only reaches the browser that way); `null` otherwise — a bearer client keeps its token.
   */
  renewalCookie: Cookie | null;
}

/**
 * Finds a request's session token without validating it: the session cookie when the request
 * carries one, else an `Authorization: Bearer` token. A cookie that is present wins even when it
 * turns out invalid, so a stale cookie is never silently replaced by a header.
 * @param origin The app's origin for this request; it alone decides the cookie's name
 * (`__Host-<name>`, or the plain name for loopback http with `cookie.insecureLocalhost`). Pass
 * the handler's `requestOrigin(request)` so that every reader agrees with the routes.
 */
export function readSessionToken(
  auth: Pick<SessionReader<object, object>, 'sessionCookieName'>,
  request: HeadersLike,
  origin: string | URL | undefined,
  options: ReadSessionOptions = {},
): SessionToken | null {
  if (options.only !== 'bearer') {
    const token = readCookie(getHeader(request, 'cookie'), auth.sessionCookieName(origin));
    if (token !== null) return { token, via: 'cookie' };
    if (options.only === 'cookie') return null;
  }
  const token = readBearerToken(getHeader(request, 'authorization'));
  return token === null ? null : { token, via: 'bearer' };
}

/**
 * Reads and validates a request's session ({@link readSessionToken}, then `validateSession`):
 * the one request → session step of the routes, the adapters and `auth.handleRequest`.
 * `null` when there is no token or it is not a live session.
 * @throws StoreError when the store fails.
 */
export function readRequestSession<UA extends object, SA extends object>(
  auth: SessionReader<UA, SA>,
  request: HeadersLike,
  origin: string | URL | undefined,
  options?: ReadSessionOptions,
): Promise<RequestSession<UA, SA> | null> {
  const found = readSessionToken(auth, request, origin, options);
  if (found === null) return Promise.resolve(null);
  // A `then`, not an async function: one promise less on every request.
  return auth.validateSession(found.token).then((result) => {
    if (result === null) return null;
    const renewed = found.via === 'cookie' && result.session.fresh;
    const renewalCookie = renewed
      ? auth.createSessionCookie(found.token, result.session, origin)
      : null;
    return { token: found.token, via: found.via, result, renewalCookie };
  });
}
