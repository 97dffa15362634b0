// The native sign-in routes, as one small object the main fetch handler consults before its own
// routes, plus the start/complete functions it calls around a provider sign-in.
import type { Latchkey } from '../../core/latchkey.ts';
import type { Store } from '../../store.ts';
import { handleDeviceCode, handleDeviceToken } from './device.ts';
import { deviceVerificationPage, type DeviceProviderLink } from './device-page.ts';
import type { NativeStartOptions } from './loopback.ts';
import { handleNativeToken } from './token.ts';

export {
  completeNativeSignIn,
  isNativeStartError,
  nativeErrorRedirect,
  parseNativeStart,
  type NativeStart,
  type NativeStartError,
  type NativeStartOptions,
} from './loopback.ts';
export { handleNativeToken, type NativeTokenResponse } from './token.ts';
export {
  completeSeedCompatSignIn,
  parseSeedCompatStart,
  type SeedCompatOptions,
  type SeedCompatStart,
} from './seed-compat.ts';
export {
  approveDevice,
  denyDevice,
  DEVICE_GRANT_TYPE,
  formatUserCode,
  handleDeviceCode,
  handleDeviceToken,
  normalizeUserCode,
  parseDeviceStart,
  type DeviceAuthorizationResponse,
  type DeviceOptions,
} from './device.ts';
export {
  deviceResultPage,
  deviceVerificationPage,
  type DeviceProviderLink,
} from './device-page.ts';

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
}

/** The native routes: `match` answers one of them or returns `null`. */
export interface NativeRoutes {
  /**
   * Answers `POST {base}/token`, `POST {base}/device/code`, `POST {base}/device/token`,
   * and `GET {base}/device`; `null` for any other request. Bearer sessions are read and signed
   * out through the main handler's `GET {base}/session` and `POST {base}/logout`.
   */
  match(request: Request, url: URL, basePath: string): Promise<Response | null>;
}

/**
 * Creates the native sign-in routes over latchkey's core.
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
  const store = options.store ?? auth.store;
  return {
    async match(request, url, basePath) {
      if (!url.pathname.startsWith(`${basePath}/`)) return null;
      const route = `${request.method} ${url.pathname.slice(basePath.length)}`;
      switch (route) {
        case 'POST /token':
          return handleNativeToken(request, { auth, store });
        case 'POST /device/code': {
          const origin = options.origin ?? url.origin;
          return handleDeviceCode(request, {
            auth,
            store,
            verificationURI: `${origin}${basePath}/device`,
            ...(options.deviceExpiresIn !== undefined
              ? { expiresIn: options.deviceExpiresIn }
              : {}),
            ...(options.deviceInterval !== undefined ? { interval: options.deviceInterval } : {}),
          });
        }
        case 'POST /device/token':
          return handleDeviceToken(request, { auth, store });
        case 'GET /device':
          return deviceVerificationPage(url, { store, basePath, providers: options.providers });
        default:
          return null;
      }
    },
  };
}
