// The native routes, as one table: `POST {base}/token` (loopback code exchange) and, with the
// device grant, `POST {base}/device/code`, `POST {base}/device/token` and the `GET {base}/device`
// page. The main handler serves this table; `createNativeRoutes` serves it to apps that route
// requests themselves. Each request counts in the `token` rate-limit group.
import type { Latchkey } from '../../core/latchkey.ts';
import type { Store } from '../../store.ts';
import { answerError, consoleLogger, type AuthLogger } from '../error-policy.ts';
import type { ExtensionRoute } from '../sign-in-extension.ts';
import { handleDeviceCode, handleDeviceToken } from './device.ts';
import { deviceVerificationPage, type DeviceProviderLink } from './device-page.ts';
import type { NativeStartOptions } from './loopback.ts';
import { handleNativeToken } from './token.ts';

/** Route names the native routes take; never provider ids, whether native sign-in is on or not. */
export const NATIVE_ROUTE_NAMES = ['token', 'device'] as const;

/** The native routes over `auth`, as one table. */
export function nativeRouteTable(
  auth: Latchkey<object, object>,
  options: Omit<NativeRoutesOptions, 'store'> & { store: Store; device: boolean },
): ExtensionRoute[] {
  const { store } = options;
  const token: ExtensionRoute = {
    path: 'token',
    method: 'POST',
    rateLimit: 'token',
    handle: (request) => handleNativeToken(request, { auth, store }),
  };
  if (!options.device) return [token];
  return [
    token,
    {
      path: 'device',
      method: 'GET',
      rateLimit: 'token',
      handle: async (_request, url, basePath) =>
        deviceVerificationPage(url, { store, basePath, providers: options.providers }),
    },
    {
      path: 'device/code',
      method: 'POST',
      rateLimit: 'token',
      handle: (request, url, basePath) =>
        handleDeviceCode(request, {
          auth,
          store,
          verificationURI: `${options.origin ?? url.origin}${basePath}/device`,
          ...(options.deviceExpiresIn !== undefined ? { expiresIn: options.deviceExpiresIn } : {}),
          ...(options.deviceInterval !== undefined ? { interval: options.deviceInterval } : {}),
        }),
    },
    {
      path: 'device/token',
      method: 'POST',
      rateLimit: 'token',
      handle: (request) => handleDeviceToken(request, { auth, store }),
    },
  ];
}

/** Options of {@link createNativeRoutes}. */
export interface NativeRoutesOptions extends NativeStartOptions {
  /** Providers offered on the device page. */
  providers: readonly DeviceProviderLink[];
  /** Defaults to `auth.store`. */
  store?: Store;
  /**
   * The public origin (`https://example.com`) used to build `verification_uri`. Defaults to
   * the request's origin; set it behind a proxy that rewrites the Host.
   */
  origin?: string;
  /** Device code lifetime in seconds. Default 600. */
  deviceExpiresIn?: number;
  /** Device polling interval in seconds. Default 5. */
  deviceInterval?: number;
  /** Where unexpected errors are reported. Default: `console.error`. */
  logger?: AuthLogger;
}

/** The native routes: `match` answers one of them or returns `null`. */
export interface NativeRoutes {
  /**
   * Answers `POST {base}/token`, `POST {base}/device/code`, `POST {base}/device/token`,
   * and `GET {base}/device`; `null` for any other request. Bearer sessions are read and signed
   * out through the main handler's `GET {base}/session` and `POST {base}/logout`. Never throws:
   * an error is logged and answered as the main handler does (503 for a store failure, else 500
   * with an error id).
   */
  match(request: Request, url: URL, basePath: string): Promise<Response | null>;
}

/**
 * Creates the native sign-in routes over latchkey's core, for apps with their own router.
 * @throws TypeError when `providers` is missing or `origin` is not an http(s) origin.
 */
export function createNativeRoutes<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  options: NativeRoutesOptions,
): NativeRoutes {
  if (!options || !Array.isArray(options.providers)) {
    throw new TypeError('latchkey: "providers" must be an array of { id, name }');
  }
  if (options.origin !== undefined && !/^https?:\/\/[^/?#]+$/.test(options.origin)) {
    throw new TypeError('latchkey: "origin" must be like https://example.com');
  }
  const table = nativeRouteTable(auth as Latchkey<object, object>, {
    ...options,
    store: options.store ?? auth.store,
    device: true,
  });
  const routes = new Map(table.map((route) => [route.path, route]));
  const logger = options.logger ?? consoleLogger;
  return {
    async match(request, url, basePath) {
      if (!url.pathname.startsWith(`${basePath}/`)) return null;
      const route = routes.get(url.pathname.slice(basePath.length + 1));
      if (route === undefined || route.method !== request.method) return null;
      try {
        return await route.handle(request, url, basePath);
      } catch (error) {
        return answerError(logger, error);
      }
    },
  };
}
