// Native sign-in as an extension of the web flow: `GET {base}/{provider}` with a loopback start
// (RFC 8252), a token-in-redirect `?port=` start (only when enabled) or a device approval
// (RFC 8628) is taken over here, and after the provider callback the session goes to the app or
// the device instead of becoming this browser's session cookie.
import type { Latchkey } from '../../core/latchkey.ts';
import type { OAuthProvider } from '../../oauth/provider.ts';
import { isSameOriginRequest } from '../origin.ts';
import type { SignInExtension } from '../sign-in-extension.ts';
import { approveDevice, denyDevice } from './device-approval.ts';
import { deviceResultPage } from './device-page.ts';
import { parseNativeFlow, readNativeFlow, type NativeFlow } from './flow-state.ts';
import { completeNativeSignIn, nativeErrorRedirect, parseNativeStart } from './loopback.ts';
import { nativeRouteTable, type NativeRoutesOptions } from './routes.ts';
import { completeTokenInRedirectSignIn, type TokenInRedirectOptions } from './token-in-redirect.ts';

/**
 * Native sign-in for desktop apps and CLIs (docs/native-apps.md): the loopback redirect with a
 * one-time code, optionally the device grant and the unsafe token-in-redirect mode. Off when
 * absent.
 */
export interface NativeHandlerOptions
  extends
    Pick<NativeRoutesOptions, 'path' | 'allowLocalhost' | 'deviceExpiresIn' | 'deviceInterval'>,
    TokenInRedirectOptions {
  /**
   * Serve the device authorization grant (RFC 8628): `POST {base}/device/code`,
   * `POST {base}/device/token` and the `GET {base}/device` page. Default false.
   */
  device?: boolean;
  /**
   * Ask the person in the browser ("Sign in to {appName} on this computer?") before a loopback
   * or token-in-redirect start goes on to the provider, unless the start came from a page of
   * this origin. Any program on the computer can open the browser on a start with its own port
   * and PKCE challenge; at a provider that approves silently it would be signed in unnoticed.
   * Default true; `false` goes straight on. Device sign-ins have their own page and are not
   * asked twice.
   * @see https://www.rfc-editor.org/rfc/rfc8252#section-8.6
   */
  confirmSignIn?: boolean;
  /** The app's name on the confirmation page, 1–100 characters. Default `this app`. */
  appName?: string;
}

/**
 * Whether a start came from a page of this origin (a sign-in button of the app's own site):
 * the browser's `Sec-Fetch-Site` verdict, else an `Origin` or `Referer` of this origin. A
 * program that opens the browser on a URL gets `Sec-Fetch-Site: none`.
 */
function startedHere(request: Request, origin: string): boolean {
  if (isSameOriginRequest(request, origin, [])) return true;
  if (request.headers.has('sec-fetch-site')) return false;
  const referer = request.headers.get('referer');
  if (referer === null || referer.length > 2048) return false;
  return URL.parse(referer)?.origin === origin;
}

function positiveInteger(value: number | undefined, name: string): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new TypeError(`latchkey: "native.${name}" must be a positive integer`);
  }
}

/**
 * Validates the handler's `native` option and builds the extension it describes; `null` when
 * the option is absent (then the native parameters of a start mean nothing).
 * @throws TypeError for a bad `path`, `deviceInterval` or `deviceExpiresIn`.
 */
export function nativeSignIn(
  auth: Latchkey<object, object>,
  providers: ReadonlyMap<string, OAuthProvider>,
  options: NativeHandlerOptions | undefined,
): SignInExtension<NativeFlow> | null {
  if (options === undefined) return null;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('latchkey: "native" must be an object');
  }
  // Throws the TypeError for a bad path now rather than on the first sign-in.
  parseNativeStart(new URL('http://localhost/'), options);
  const appName = options.appName ?? 'this app';
  if (typeof appName !== 'string' || appName.trim().length === 0 || appName.length > 100) {
    throw new TypeError('latchkey: "native.appName" must be a string of 1-100 characters');
  }
  const confirm = options.confirmSignIn !== false;
  positiveInteger(options.deviceInterval, 'deviceInterval');
  positiveInteger(options.deviceExpiresIn, 'deviceExpiresIn');
  const routes = nativeRouteTable(auth, {
    providers: [...providers.values()].map((p) => ({ id: p.id, name: p.name })),
    store: auth.store,
    device: options.device === true,
    ...(options.deviceExpiresIn !== undefined ? { deviceExpiresIn: options.deviceExpiresIn } : {}),
    ...(options.deviceInterval !== undefined ? { deviceInterval: options.deviceInterval } : {}),
  });
  return {
    routes,
    parseStart: (request, url) => parseNativeFlow(request, url, options),
    readState: readNativeFlow,
    confirmation: (flow, request, origin) =>
      confirm && flow.type !== 'device' && !startedHere(request, origin) ? appName : null,
    client: (flow) => (flow.type === 'device' ? 'device' : 'native'),
    async complete(flow, signedIn) {
      // The loopback app gets a one-time code, the token-in-redirect app its token, the device
      // its approval (and the person a result page).
      if (flow.type === 'device') {
        const approved = await approveDevice(auth.store, flow.userCode, signedIn.userId, {
          sessionAttributes: signedIn.sessionAttributes,
        });
        return deviceResultPage(approved ? 'approved' : 'invalid');
      }
      const created = signedIn.created;
      if (created === null) throw new TypeError('latchkey: a native sign-in needs a session');
      if (flow.type === 'loopback')
        return completeNativeSignIn({ auth, start: flow.start, created });
      return completeTokenInRedirectSignIn({ auth, start: flow.start, created });
    },
    async fail(flow, code) {
      // The loopback app hears `?error=` at its listener, the device `access_denied` on its next
      // poll. The token-in-redirect protocol has no error channel: the error page is shown.
      switch (flow.type) {
        case 'loopback': {
          const denied = code === 'access_denied' || code === 'sign_in_denied';
          return nativeErrorRedirect(flow.start, denied ? 'access_denied' : 'server_error');
        }
        case 'device':
          await denyDevice(auth.store, flow.userCode);
          return deviceResultPage('denied');
        case 'token-in-redirect':
          return null;
      }
    },
  };
}
