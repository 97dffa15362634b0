// Post-login redirect targets come from a query string, so they are attacker-controlled. Only a
// same-origin path, or an origin the app listed, is ever followed; everything else is `null`
// and the caller uses its default. The checks are plain character tests and the WHATWG URL
// parser — no regular expression that can backtrack on untrusted input.

/**
 * The longest post-login target, as given and as the absolute URL it resolves to. Sealed into
 * the flow cookie with everything else a flow keeps, it leaves the cookie well under the
 * browsers' 4,096-byte limit.
 */
export const MAX_REDIRECT_TARGET = 1024;

function hasUnsafeCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // Controls, space, DEL and non-ASCII are stripped or re-mapped by URL parsers in ways that
    // turn `/\t/evil` into `//evil` or a full-width dot into `.`; a backslash is a slash to
    // browsers. A legitimate target percent-encodes all of these.
    if (c <= 0x20 || c >= 0x7f || c === 0x5c /* \ */) return true;
  }
  return false;
}

function hasEncodedTrick(value: string): boolean {
  const lower = value.toLowerCase();
  // Encoded slashes, backslashes and control characters are decoded by some servers and
  // proxies before they route, reviving `//evil`; a target never needs them.
  for (let i = lower.indexOf('%'); i !== -1; i = lower.indexOf('%', i + 1)) {
    const hex = lower.slice(i + 1, i + 3);
    if (!/^[0-9a-f]{2}$/.test(hex)) return true; // bad %-encoding
    const code = parseInt(hex, 16);
    if (code < 0x20 || code === 0x7f || code === 0x2f || code === 0x5c || code === 0x25)
      return true;
  }
  return false;
}

/**
 * Resolves an untrusted post-login target against the app's origin: a same-origin path
 * (`/dashboard?tab=1`) or an absolute `http(s)` URL whose origin is `origin` or one of
 * `allowedOrigins`. Returns the absolute URL to follow, or `null` for anything else.
 * @see RFC 9700 §4.11 (open redirectors)
 */
export function resolveRedirectTarget(
  value: string | null | undefined,
  origin: string,
  allowedOrigins: readonly string[] = [],
): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_REDIRECT_TARGET)
    return null;
  if (hasUnsafeCharacter(value) || hasEncodedTrick(value)) return null;
  let url: URL;
  if (value.charCodeAt(0) === 0x2f /* / */) {
    // `//host` and `/\host` are network-path references, not paths.
    if (value.charCodeAt(1) === 0x2f) return null;
    try {
      url = new URL(value, origin);
    } catch {
      return null;
    }
    if (url.origin !== origin) return null;
  } else {
    const scheme = value.slice(0, 8).toLowerCase();
    if (!scheme.startsWith('https://') && !scheme.startsWith('http://')) return null;
    try {
      url = new URL(value);
    } catch {
      return null;
    }
    if (url.username !== '' || url.password !== '') return null;
    if (url.origin !== origin && !allowedOrigins.includes(url.origin)) return null;
  }
  // `/.//evil` normalises to the path `//evil`: harmless as an absolute URL, but refuse it so a
  // later relative use can never become a network-path reference.
  if (url.pathname.startsWith('//')) return null;
  return url.href;
}

/**
 * Normalises configured origins (`https://app.example.com/` → `https://app.example.com`).
 * @throws TypeError for a value that is not an http(s) origin.
 */
export function normalizeOrigins(origins: readonly string[] | undefined): string[] {
  if (origins === undefined) return [];
  if (!Array.isArray(origins)) throw new TypeError('latchkey: "allowedOrigins" must be an array');
  return origins.map((o) => {
    let url: URL;
    try {
      url = new URL(o);
    } catch {
      throw new TypeError('latchkey: "allowedOrigins" must hold http(s) origins');
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin === 'null') {
      throw new TypeError('latchkey: "allowedOrigins" must hold http(s) origins');
    }
    return url.origin;
  });
}
