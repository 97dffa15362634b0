// Client addresses as the rate limiter counts them. An IPv6 client usually holds a whole /64 (and
// often a /56 or /48), so counting each IPv6 address on its own lets one client rotate through
// 2^64 fresh budgets; the limiter counts per prefix instead. The parser is a single left-to-right
// pass over at most a hundred characters — no regular expression, nothing that can backtrack —
// written against strings only, so the routes stay runnable outside Node.

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export type IPAddressBytes = Uint8Array;

/** Longest text taken as an address (an IPv6 address with a zone id and a port fits). */
const MAX_ADDRESS_LENGTH = 100;

/** The default prefix IPv6 clients are counted by. */
export const DEFAULT_IPV6_PREFIX = 64;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Dotted-quad IPv4 (`192.0.2.1`): four decimal parts 0–255, no leading zeros (octal-looking). */
function parseIPv4(text: string, into: Uint8Array, at: number): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; /* '.' closes the last part */
    if (c === 46) {
      if (digits === 0 || part > 3) return false;
      into[at + part] = value;
      part++;
      value = 0;
      digits = 0;
    } else if (isDigit(c)) {
      if (digits > 0 && value === 0) return false;
      value = value * 10 + (c - 48);
      digits++;
      if (value > 255) return false;
    } else {
      return false;
    }
  }
  return part === 4;
}

/** Zone ids as Node's own `isIPv6` accepts them: letters, digits, `.`, `:`, `-`. */
function isZone(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!letter && !isDigit(c) && c !== 46 && c !== 58 && c !== 45) return false;
  }
  return true;
}

/**
 * Parses colon groups (`2001:db8:0:1`) into 16-bit words; the last group may be dotted IPv4 when
 * `allowIPv4` (it then counts as two words). Returns the words or `null`.
 */
function parseGroups(text: string, allowIPv4: boolean): number[] | null {
  if (text === '') return [];
  const words: number[] = [];
  let start = 0;
  for (;;) {
    let end = text.indexOf(':', start);
    if (end === -1) end = text.length;
    const group = text.slice(start, end);
    const last = end === text.length;
    if (last && allowIPv4 && group.includes('.')) {
      const v4 = new Uint8Array(4);
      if (!parseIPv4(group, v4, 0)) return null;
      words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      return words;
    }
    if (group.length === 0 || group.length > 4) return null;
    let word = 0;
    for (let i = 0; i < group.length; i++) {
      const h = hexValue(group.charCodeAt(i));
      if (h < 0) return null;
      word = (word << 4) | h;
    }
    words.push(word);
    if (last) return words;
    start = end + 1;
  }
}

/** RFC 4291 §2.2 text (with `::` compression and an optional trailing IPv4), zone id removed. */
function parseIPv6(text: string): IPAddressBytes | null {
  const percent = text.indexOf('%');
  if (percent !== -1) {
    if (!isZone(text.slice(percent + 1))) return null;
    text = text.slice(0, percent);
  }
  const gap = text.indexOf('::');
  let words: number[];
  if (gap === -1) {
    const all = parseGroups(text, true);
    if (all === null || all.length !== 8) return null;
    words = all;
  } else {
    if (text.indexOf('::', gap + 1) !== -1) return null; // one `::` at most (`:::` included)
    const head = parseGroups(text.slice(0, gap), false);
    const tail = parseGroups(text.slice(gap + 2), true);
    // `::` stands for at least one zero word.
    if (head === null || tail === null || head.length + tail.length > 7) return null;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return bytes;
}

/** Whether `[0..10)` are zero and `[10..12)` are 0xffff: `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2). */
function isIPv4Mapped(bytes: IPAddressBytes): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/**
 * Parses a client address as a socket or a proxy reports it: IPv4 (`192.0.2.1`, optionally with
 * `:port`), IPv6 in any RFC 4291 spelling (`::` compression, trailing dotted IPv4, a `%zone` that
 * is dropped), optionally bracketed with a port (`[2001:db8::1]:443`). An IPv4-mapped IPv6
 * address (`::ffff:192.0.2.1`) comes back as the IPv4 address it maps. `null` for anything else.
 * @see https://www.rfc-editor.org/rfc/rfc4291#section-2.2
 */
export function parseIPAddress(text: string): IPAddressBytes | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_ADDRESS_LENGTH) {
    return null;
  }
  if (text.charCodeAt(0) === 91 /* [ */) {
    const close = text.indexOf(']');
    if (close === -1 || !isPort(text.slice(close + 1), true)) return null;
    text = text.slice(1, close);
  } else {
    const colon = text.indexOf(':');
    if (colon !== -1 && text.indexOf(':', colon + 1) === -1) {
      // Exactly one colon: IPv4 with a port (IPv6 has at least two).
      if (!isPort(text.slice(colon), false)) return null;
      text = text.slice(0, colon);
    }
  }
  if (!text.includes(':')) {
    const v4 = new Uint8Array(4);
    return parseIPv4(text, v4, 0) ? v4 : null;
  }
  const v6 = parseIPv6(text);
  if (v6 === null) return null;
  return isIPv4Mapped(v6) ? v6.slice(12) : v6;
}

/** `:1`–`:65535` (or nothing at all, when `optional`). */
function isPort(text: string, optional: boolean): boolean {
  if (text.length === 0) return optional;
  if (text.charCodeAt(0) !== 58 || text.length < 2 || text.length > 6) return false;
  let value = 0;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return false;
    value = value * 10 + (c - 48);
  }
  return value >= 1 && value <= 65535;
}

/**
 * The bucket a client address is counted in: an IPv4 address as itself (`192.0.2.1`, IPv4-mapped
 * IPv6 included), an IPv6 address as its first `ipv6Prefix` bits (`2001:db8:0:0:0:0:0:0/64`), and
 * text that is no IP address (an app's own `getClientAddress` may return anything) as itself,
 * cut to 64 characters.
 */
export function addressBucket(address: string, ipv6Prefix: number = DEFAULT_IPV6_PREFIX): string {
  const bytes = parseIPAddress(address);
  if (bytes === null) return address.slice(0, 64);
  if (bytes.length === 4) return bytes.join('.');
  const masked = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const keep = Math.min(8, Math.max(0, ipv6Prefix - 8 * i));
    masked[i] = bytes[i]! & ((0xff00 >> keep) & 0xff);
  }
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((masked[i]! << 8) | masked[i + 1]!).toString(16));
  return `${words.join(':')}/${ipv6Prefix}`;
}
