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
export type HeadersLike =
  { headers: Headers } | Headers | { headers: Record<string, string | string[] | undefined> };

/** Reads one header from any {@link HeadersLike} (first value when repeated). */
export function getHeader(source: HeadersLike, name: string): string | null {
  const headers = source instanceof Headers ? source : source.headers;
  if (headers instanceof Headers) return headers.get(name);
  const value = headers[name];
  if (Array.isArray(value)) return value[0] ?? null;
  return value ?? null;
}
