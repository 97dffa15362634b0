// Native sign-ins through the main handler: `GET {base}/{provider}` recognises a loopback
// start (RFC 8252), a seed 000 `?port=` start (only when enabled) or a device approval
// (RFC 8628) and keeps it in the sealed flow cookie; the provider callback then hands the
// session to the app or the device instead of setting this browser's session cookie.
import type { CreatedSession } from '../core/latchkey.ts';
import type { Cookie } from '../core/cookies.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import {
  approveDevice,
  completeNativeSignIn,
  completeSeedCompatSignIn,
  denyDevice,
  deviceResultPage,
  isNativeStartError,
  nativeErrorRedirect,
  normalizeUserCode,
  parseDeviceStart,
  parseNativeStart,
  parseSeedCompatStart,
  type NativeStart,
  type SeedCompatStart,
} from './native/index.ts';
import type { ResolvedNative, ResolvedOptions, SessionClient } from './options.ts';

/** The native part of a flow, sealed into the flow cookie between start and callback. */
export type NativeFlow =
  | { type: 'loopback'; start: NativeStart }
  | { type: 'seed'; start: SeedCompatStart }
  | { type: 'device'; userCode: string };

/** A refused native start: answered 400 with a fixed description, never a redirect. */
export interface NativeFlowError {
  error: 'invalid_request';
  errorDescription: string;
}

/**
 * Recognises a native start on `GET {base}/{provider}`.
 * @returns the flow, an error (400), or `null` for an ordinary web sign-in (also whenever
 *   native sign-in is off: then the parameters mean nothing).
 */
export function parseNativeFlow(
  request: Request,
  url: URL,
  native: ResolvedNative | null,
): NativeFlow | NativeFlowError | null {
  if (native === null) return null;
  const found: NativeFlow[] = [];
  const loopback = parseNativeStart(url, native.options);
  if (isNativeStartError(loopback)) return loopback;
  if (loopback !== null) found.push({ type: 'loopback', start: loopback });
  const seed = parseSeedCompatStart(url, native.options);
  if (seed !== null && 'error' in seed) return seed;
  if (seed !== null) found.push({ type: 'seed', start: seed });
  if (native.device) {
    const device = parseDeviceStart(request, url);
    if (device !== null && 'error' in device) return device;
    if (device !== null) found.push({ type: 'device', userCode: device.userCode });
  }
  // Two kinds at once is no flow any client starts; guessing which one was meant is not safe.
  if (found.length > 1) {
    return { error: 'invalid_request', errorDescription: 'Conflicting sign-in parameters' };
  }
  return found[0] ?? null;
}

/** Who receives the session of a flow. */
export function sessionClientOf(flow: NativeFlow | null): SessionClient {
  if (flow === null) return 'browser';
  return flow.type === 'device' ? 'device' : 'native';
}

const text = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

/**
 * Reads the native part of an opened flow cookie: `null` for none, `undefined` when malformed.
 * The cookie is sealed, so this only guards against a change of shape between versions.
 */
export function readNativeFlow(value: unknown): NativeFlow | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const start = (typeof v.start === 'object' && v.start !== null ? v.start : {}) as Record<
    string,
    unknown
  >;
  if (v.type === 'loopback') {
    if (!text(start.redirectURI, 512) || !text(start.appState, 512)) return undefined;
    if (!text(start.codeChallenge, 128)) return undefined;
    const { redirectURI, appState, codeChallenge } = start;
    return { type: 'loopback', start: { redirectURI, appState, codeChallenge } };
  }
  if (v.type === 'seed') {
    const port = start.port;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1024 || port > 65535) {
      return undefined;
    }
    return { type: 'seed', start: { port } };
  }
  if (v.type === 'device') {
    const userCode = normalizeUserCode(v.userCode);
    return userCode === null ? undefined : { type: 'device', userCode };
  }
  return undefined;
}

/** Copies a response with extra `Set-Cookie` headers (the flow cookie is cleared on every answer). */
export function withCookies(response: Response, cookies: readonly Cookie[]): Response {
  const headers = new Headers(response.headers);
  for (const cookie of cookies) headers.append('set-cookie', cookie.serialize());
  return new Response(response.body, { status: response.status, headers });
}

/**
 * Tells the app or the device that the sign-in failed, so it stops waiting: the loopback app
 * gets `?error=` at its listener, the device hears `access_denied` on its next poll. `null`
 * for the seed mode, whose protocol has no error channel (the error page is shown instead).
 */
export async function nativeFailure(
  h: ResolvedOptions<object, object>,
  flow: NativeFlow,
  code: string,
): Promise<Response | null> {
  switch (flow.type) {
    case 'loopback':
      return nativeErrorRedirect(
        flow.start,
        code === 'access_denied' || code === 'sign_in_denied' ? 'access_denied' : 'server_error',
      );
    case 'device':
      await denyDevice(h.auth.store, flow.userCode);
      return deviceResultPage('denied');
    case 'seed':
      return null;
  }
}

/**
 * Finishes a native flow for a signed-in user: the one-time code to the loopback listener,
 * the token to the seed app's port, or the approval of the device request.
 * `created` is the session made for the app (absent for a device: it gets one when it polls).
 */
export async function completeNativeFlow(
  h: ResolvedOptions<object, object>,
  flow: NativeFlow,
  input: { userId: string; created: CreatedSession<object> | null; sessionAttributes: object },
): Promise<Response> {
  const { auth } = h;
  if (flow.type === 'device') {
    const approved = await approveDevice(auth.store, flow.userCode, input.userId, {
      sessionAttributes: input.sessionAttributes,
    });
    return deviceResultPage(approved ? 'approved' : 'invalid');
  }
  if (input.created === null) throw new TypeError('latchkey: a native sign-in needs a session');
  if (flow.type === 'loopback') {
    return completeNativeSignIn({ auth, start: flow.start, created: input.created });
  }
  return completeSeedCompatSignIn({ auth, start: flow.start, created: input.created });
}

/** The provider links shown on the device page. */
export function deviceProviderLinks(
  providers: ReadonlyMap<string, OAuthProvider>,
): Array<{ id: string; name: string }> {
  return [...providers.values()].map((p) => ({ id: p.id, name: p.name }));
}
