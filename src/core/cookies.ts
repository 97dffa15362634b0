/** Attributes of a cookie latchkey sets. `Domain` is never set: cookies stay host-only. */
export interface CookieAttributes {
  secure: boolean;
  httpOnly: true;
  sameSite: 'lax' | 'strict';
  path: string;
  /** Absolute expiry; `0` for an immediately expired (blank) cookie. */
  expires: number;
}

/** A cookie ready to send in `Set-Cookie`. */
export class Cookie {
  readonly name: string;
  readonly value: string;
  readonly attributes: CookieAttributes;

  constructor(name: string, value: string, attributes: CookieAttributes) {
    // A `__Host-` cookie that is not Secure, not Path=/ is rejected by browsers; refuse to build it.
    if (name.startsWith('__Host-') && (!attributes.secure || attributes.path !== '/')) {
      throw new TypeError('latchkey: a __Host- cookie must be Secure with Path=/');
    }
    this.name = name;
    this.value = value;
    this.attributes = attributes;
  }

  /** The `Set-Cookie` header value. */
  serialize(): string {
    const a = this.attributes;
    let out = `${this.name}=${this.value}; Path=${a.path}; HttpOnly; SameSite=${a.sameSite === 'lax' ? 'Lax' : 'Strict'}`;
    if (a.secure) out += '; Secure';
    if (a.expires === 0) out += '; Max-Age=0';
    else {
      const maxAge = Math.max(0, Math.floor((a.expires - Date.now()) / 1000));
      out += `; Max-Age=${maxAge}; Expires=${new Date(a.expires).toUTCString()}`;
    }
    return out;
  }

  toString(): string {
    return this.serialize();
  }
}

/**
 * The port of an `http://` origin on localhost, 127.0.0.1 or [::1] (`'80'` when implicit), or
 * `null` for any other origin: the one test for the insecure development cookies.
 */
export function loopbackHttpPort(origin: string | URL | undefined): string | null {
  if (origin === undefined) return null;
  let url: URL;
  try {
    url = typeof origin === 'string' ? new URL(origin) : origin;
  } catch {
    return null;
  }
  const loopback =
    url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  return url.protocol === 'http:' && loopback ? url.port || '80' : null;
}

/**
 * The one naming rule of latchkey's cookies: `__Host-<base>` (Secure, host-only, Path=/), or —
 * for insecure loopback development, given the origin's port — `<base>_<port>`. Browsers share
 * cookies between all ports of a host (RFC 6265 §8.5), so the port in the name keeps two apps on
 * one machine from reading or overwriting each other's sessions and flows.
 */
export function cookieName(base: string, developmentPort: string | null): string {
  return developmentPort === null ? `__Host-${base}` : `${base}_${developmentPort}`;
}

/** Longest `Cookie` header latchkey reads; anything longer is treated as absent. */
const MAX_COOKIE_HEADER = 16 * 1024;

/**
 * Reads one cookie's value from a `Cookie` header without allocating a map. Returns `null` when
 * absent, duplicated (a tossed cookie shadowing ours), oversized or not plain ASCII.
 */
export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header || header.length > MAX_COOKIE_HEADER) return null;
  let found: string | null = null;
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end === -1) end = header.length;
    let i = start;
    while (i < end && header.charCodeAt(i) === 32) i++;
    if (header.startsWith(name, i) && header.charCodeAt(i + name.length) === 61 /* = */) {
      if (found !== null) return null;
      found = header.slice(i + name.length + 1, end).trim();
    }
    start = end + 1;
  }
  return found;
}
