// What a route needs to know about a request beyond the `Request` itself: the app's public
// origin and the client's address, each taken from forwarded headers only when the app says
// a proxy of its own sets them.
import { getHeader, type RequestLike } from '../core/request.ts';
import type { RequestDetails, ResolvedOptions } from './options.ts';

type H = ResolvedOptions<object, object>;

/** The path of an absolute URL, without parsing it (the handler's `matches` is on every request). */
export function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start === -1) return '/';
  const end = url.slice(start).search(/[?#]/);
  return end === -1 ? url.slice(start) : url.slice(start, start + end);
}

/** The app's origin for this request: the `origin` option, the proxy's say-so, or the URL's. */
export function requestOrigin(h: H, request: RequestLike, url?: URL): string {
  if (h.origin !== null) return h.origin;
  if (h.trustProxy) {
    const proto = getHeader(request, 'x-forwarded-proto')?.split(',')[0]?.trim();
    const host = getHeader(request, 'x-forwarded-host')?.split(',')[0]?.trim();
    if (
      (proto === 'https' || proto === 'http') &&
      host &&
      /^[A-Za-z0-9.:[\]-]{1,255}$/.test(host)
    ) {
      try {
        return new URL(`${proto}://${host}`).origin;
      } catch {
        // fall through to the URL's own origin
      }
    }
  }
  return url ? url.origin : (request.urlOrigin ?? originOfURL(request.url));
}

// Origins of the last few distinct scheme-and-authority prefixes: every request of an app
// carries one or a handful, and parsing a URL costs more than the rest of reading a session.
// Bounded, because the Host header (part of the prefix under Node) is the client's to choose.
const origins = new Map<string, string>();
const MAX_ORIGINS = 64;

/** A URL's origin, parsed once per distinct `scheme://authority` prefix. */
function originOfURL(url: string): string {
  const end = url.indexOf('/', url.indexOf('//') + 2);
  // Only a plain prefix can stand for the URL: without a path, or with `\`, `?`, `#` or
  // whitespace in it, the whole URL is parsed every time.
  const prefix = end === -1 ? null : url.slice(0, end);
  if (prefix === null || /[\\?#\s]/.test(prefix)) return new URL(url).origin;
  let origin = origins.get(prefix);
  if (origin === undefined) {
    origin = new URL(url).origin;
    if (origins.size >= MAX_ORIGINS) origins.clear();
    origins.set(prefix, origin);
  }
  return origin;
}

/** The address every request whose client cannot be named is counted under. */
export const UNKNOWN_CLIENT = 'unknown';

// Handlers that already warned about a request without a client address (once each).
const warned = new WeakSet<object>();

/**
 * The client's address for rate limiting: the app's `getClientAddress`, else (with `trustProxy`)
 * the last `X-Forwarded-For` entry, else the socket address an adapter passed. When none names
 * the client the request is counted under {@link UNKNOWN_CLIENT} — one bucket shared by every
 * such request, so the limit still holds — and the first time, the logger is told why: on a
 * bare `fetch(request)` with no adapter and no `getClientAddress` that is every request.
 */
export function clientAddress(h: H, request: Request, info: RequestDetails | undefined): string {
  let address: string | null | undefined;
  if (h.getClientAddress) address = h.getClientAddress(request);
  else {
    if (h.trustProxy) {
      // The last entry is the one our own proxy appended; earlier ones are the client's say-so.
      const forwarded = request.headers.get('x-forwarded-for');
      address = forwarded?.slice(-256).split(',').pop()?.trim();
    }
    if (!address) address = info?.clientAddress;
  }
  if (address) return address;
  if (h.limiter !== null && !warned.has(h)) {
    warned.add(h);
    h.logger.error(
      'latchkey: a request has no client address; such requests share one rate-limit bucket. Use an adapter, pass getClientAddress, or set trustProxy behind your own proxy.',
      { code: 'client_address_unknown' },
    );
  }
  return UNKNOWN_CLIENT;
}

/** Whether a query parameter is repeated (a classic way to smuggle a second value past checks). */
export function hasDuplicateParameter(url: URL): boolean {
  const seen = new Set<string>();
  for (const key of url.searchParams.keys()) {
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}
