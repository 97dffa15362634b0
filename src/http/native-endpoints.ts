// The native routes inside the main handler: `POST {base}/token` (loopback code exchange) and,
// with the device grant on, `POST {base}/device/code`, `POST {base}/device/token` and the
// `GET {base}/device` page. Each one is rate-limited per client address in the `token` group.
import type { Latchkey } from '../core/latchkey.ts';
import { createNativeRoutes } from './native/index.ts';
import { parseNativeStart } from './native/loopback.ts';
import { deviceProviderLinks } from './native-flow.ts';
import type {
  NativeHandlerOptions,
  RequestContext,
  ResolvedNative,
  ResolvedOptions,
} from './options.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { errorResponse } from './responses.ts';

/** Route ids the native routes take; never provider ids, whether native sign-in is on or not. */
export const NATIVE_RESERVED = ['token', 'device'] as const;

function positiveInteger(value: number | undefined, name: string): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new TypeError(`latchkey: "native.${name}" must be a positive integer`);
  }
}

/**
 * Validates the `native` handler option and builds its routes.
 * @throws TypeError for a bad `path`, `deviceInterval` or `deviceExpiresIn`.
 */
export function resolveNative(
  auth: Latchkey<object, object>,
  providers: ReadonlyMap<string, OAuthProvider>,
  options: NativeHandlerOptions | undefined,
): ResolvedNative | null {
  if (options === undefined) return null;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('latchkey: "native" must be an object');
  }
  // Throws the TypeError for a bad path now rather than on the first sign-in.
  parseNativeStart(new URL('http://localhost/'), options);
  positiveInteger(options.deviceInterval, 'deviceInterval');
  positiveInteger(options.deviceExpiresIn, 'deviceExpiresIn');
  const routes = createNativeRoutes(auth, {
    providers: deviceProviderLinks(providers),
    ...(options.deviceExpiresIn !== undefined ? { deviceExpiresIn: options.deviceExpiresIn } : {}),
    ...(options.deviceInterval !== undefined ? { deviceInterval: options.deviceInterval } : {}),
  });
  return { routes, options, device: options.device === true };
}

const METHODS: Record<string, string> = {
  token: 'POST',
  device: 'GET',
  'device/code': 'POST',
  'device/token': 'POST',
};

/**
 * Answers a native route, or `null` when `first`/`second` name none (the caller's 404).
 * `limit` counts the request in the `token` group and returns a 429 past the limit.
 */
export async function nativeRoute(
  h: ResolvedOptions<object, object>,
  ctx: RequestContext,
  first: string,
  second: string | undefined,
  limit: () => Promise<Response | null>,
): Promise<Response | null> {
  const native = h.native;
  if (native === null) return null;
  const name = second === undefined ? first : `${first}/${second}`;
  const method = METHODS[name];
  if (method === undefined || (first === 'device' && !native.device)) return null;
  if (ctx.request.method !== method) return errorResponse(405, 'method_not_allowed');
  const limited = await limit();
  if (limited !== null) return limited;
  // The routes build `verification_uri` from this URL: give it the app's public origin.
  const url = new URL(`${ctx.url.pathname}${ctx.url.search}`, ctx.origin);
  return native.routes.match(ctx.request, url, h.basePath);
}
