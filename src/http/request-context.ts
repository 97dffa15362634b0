// What a route needs to know about a request beyond the `Request` itself: the app's public
// origin and the client's address, each taken from forwarded headers only when the app says
// a proxy of its own sets them.
import { getHeader, type RequestLike } from '../core/request.ts';
import type { RequestInfo, ResolvedOptions } from './options.ts';

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
  return (url ?? new URL(request.url)).origin;
}

/** The client's address for rate limiting; `unknown` when nothing names it. */
export function clientAddress(h: H, request: Request, info: RequestInfo | undefined): string {
  if (h.getClientAddress) return h.getClientAddress(request) ?? 'unknown';
  if (h.trustProxy) {
    // The last entry is the one our own proxy appended; earlier ones are the client's say-so.
    const forwarded = request.headers.get('x-forwarded-for');
    const last = forwarded?.slice(-256).split(',').pop()?.trim();
    if (last) return last;
  }
  return info?.clientAddress ?? 'unknown';
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
