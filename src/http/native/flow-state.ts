// What a native sign-in keeps in the sealed flow cookie between the start on
// `GET {base}/{provider}` and the provider callback: a loopback app's redirect, state and code
// challenge (RFC 8252), a token-in-redirect app's port, or the user code of a device (RFC 8628).
import { oauthError } from '../responses.ts';
import { parseDeviceStart } from './device-approval.ts';
import { normalizeUserCode } from './device-codes.ts';
import { isNativeStartError, parseNativeStart, type NativeStartOptions } from './loopback.ts';
import {
  isAppPort,
  parseTokenInRedirectStart,
  type TokenInRedirectOptions,
  type TokenInRedirectStart,
} from './token-in-redirect.ts';
import type { NativeStart } from './loopback.ts';

/** The native part of a flow, sealed into the flow cookie between start and callback. */
export type NativeFlow =
  | { type: 'loopback'; start: NativeStart }
  | { type: 'token-in-redirect'; start: TokenInRedirectStart }
  | { type: 'device'; userCode: string };

/** The options that decide which native starts are recognised. */
export interface NativeStartRules extends NativeStartOptions, TokenInRedirectOptions {
  /** Recognise device approvals (`device_user_code`). */
  device?: boolean;
}

/**
 * Recognises a native start on `GET {base}/{provider}`.
 * @returns the flow, a 400 refusal (never a redirect to an unvalidated target), or `null` for
 *   an ordinary web sign-in.
 */
export function parseNativeFlow(
  request: Request,
  url: URL,
  rules: NativeStartRules,
): NativeFlow | Response | null {
  const found: NativeFlow[] = [];
  const refuse = (refusal: { errorDescription: string }): Response =>
    oauthError('invalid_request', refusal.errorDescription);
  const loopback = parseNativeStart(url, rules);
  if (isNativeStartError(loopback)) return refuse(loopback);
  if (loopback !== null) found.push({ type: 'loopback', start: loopback });
  const port = parseTokenInRedirectStart(url, rules);
  if (port !== null && 'error' in port) return refuse(port);
  if (port !== null) found.push({ type: 'token-in-redirect', start: port });
  if (rules.device === true) {
    const device = parseDeviceStart(request, url);
    if (device !== null && 'error' in device) return refuse(device);
    if (device !== null) found.push({ type: 'device', userCode: device.userCode });
  }
  // Two kinds at once is no flow any client starts; guessing which one was meant is not safe.
  if (found.length > 1) return refuse({ errorDescription: 'Conflicting sign-in parameters' });
  return found[0] ?? null;
}

const text = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max;

/**
 * Reads the native part of an opened flow cookie; `null` when malformed. The cookie is sealed,
 * so this only guards against a change of shape between versions.
 */
export function readNativeFlow(value: unknown): NativeFlow | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const start = (typeof v.start === 'object' && v.start !== null ? v.start : {}) as Record<
    string,
    unknown
  >;
  if (v.type === 'loopback') {
    if (!text(start.redirectURI, 512) || !text(start.appState, 512)) return null;
    if (!text(start.codeChallenge, 128)) return null;
    const { redirectURI, appState, codeChallenge } = start;
    return { type: 'loopback', start: { redirectURI, appState, codeChallenge } };
  }
  if (v.type === 'token-in-redirect') {
    return isAppPort(start.port)
      ? { type: 'token-in-redirect', start: { port: start.port } }
      : null;
  }
  if (v.type === 'device') {
    const userCode = normalizeUserCode(v.userCode);
    return userCode === null ? null : { type: 'device', userCode };
  }
  return null;
}
