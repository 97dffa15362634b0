// The sign-in flow's state lives in one sealed, HttpOnly cookie rather than a server record, so
// a flood of sign-in starts writes nothing to the store. The cookie is bound to the provider
// (AAD and payload) and expires with the flow; single use is enforced at the callback by a
// short-lived `flow-used` record keyed by the state.
import { Cookie, cookieName, loopbackHttpPort } from '../core/cookies.ts';
import type { Sealer } from './seal.ts';
import type { SignInExtension } from './sign-in-extension.ts';

/** Flow lifetime: the longest a person may spend at the provider. */
export const FLOW_LIFETIME = 10 * 60_000;

/** What a sign-in or link flow remembers between its start and its callback. */
export interface FlowState {
  /** `signin`, or `link` to add the provider to the session that started the flow. */
  kind: 'signin' | 'link';
  providerId: string;
  state: string;
  codeVerifier: string | null;
  nonce: string | null;
  /** The scopes requested: granted when the token response leaves `scope` out (RFC 6749 §5.1). */
  scopes?: string[] | null;
  redirectURI: string;
  /** Absolute URL to land on after the callback, fixed when the flow started. */
  target: string;
  /** For `link`: the id of the session that started the flow. */
  sessionId: string | null;
  /**
   * The sign-in extension's state when it took the start over (the session then goes to an app
   * or a device, not to this browser); `null` for a browser sign-in. Opaque here.
   */
  ext: unknown;
  expiresAt: number;
  /** Whether the authorization URL asked for `response_mode=form_post` (absent: it did not). */
  formPost?: boolean;
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 2048;
const strOrNull = (v: unknown): v is string | null => v === null || str(v);
const strList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length <= 256 && v.every((s) => str(s));

/** Where a flow cookie is set: whether it is `Secure`, and the app's origin for the request. */
export interface FlowCookieScope {
  secure: boolean;
  origin: string;
}

/**
 * The cookie's name, by the session cookie's rule: `__Host-latchkey_flow`, or on insecure
 * localhost `latchkey_flow_<port>`, so an app on another port neither reads nor plants it.
 */
export function flowCookieName(scope: FlowCookieScope): string {
  return cookieName('latchkey_flow', scope.secure ? null : loopbackHttpPort(scope.origin));
}

/** Seals a flow into a `Set-Cookie` (SameSite=Lax: the callback is a cross-site navigation). */
export async function createFlowCookie(
  sealer: Sealer,
  flow: FlowState,
  scope: FlowCookieScope,
): Promise<Cookie> {
  const value = await sealer.seal(flow, `flow:${flow.providerId}`);
  return flowCookie(value, flow.expiresAt, scope);
}

/** The flow cookie holding an already sealed `value` (a flow, or a start awaiting confirmation). */
export function flowCookie(value: string, expiresAt: number, scope: FlowCookieScope): Cookie {
  return new Cookie(flowCookieName(scope), value, {
    secure: scope.secure,
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    expires: expiresAt,
  });
}

/** A `Set-Cookie` that deletes the flow cookie. */
export function createBlankFlowCookie(scope: FlowCookieScope): Cookie {
  return new Cookie(flowCookieName(scope), '', {
    secure: scope.secure,
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    expires: 0,
  });
}

/**
 * Opens a flow cookie for `providerId`: `null` when it is missing, tampered with, sealed for
 * another provider or expired at `now`, or carries an extension state that `extension` (the
 * handler's, `null` when it has none) does not read back.
 */
export async function openFlowCookie(
  sealer: Sealer,
  value: string | null,
  providerId: string,
  now: number,
  extension: Pick<SignInExtension, 'readState'> | null,
): Promise<FlowState | null> {
  const raw = await sealer.open(value, `flow:${providerId}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const f = raw as Record<string, unknown>;
  if (f.kind !== 'signin' && f.kind !== 'link') return null;
  if (f.providerId !== providerId || !str(f.state) || !str(f.redirectURI) || !str(f.target)) {
    return null;
  }
  if (!strOrNull(f.codeVerifier) || !strOrNull(f.nonce) || !strOrNull(f.sessionId)) return null;
  if (typeof f.expiresAt !== 'number' || !(now < f.expiresAt)) return null;
  // Absent in a flow started before the field existed: the exchange then assumes nothing.
  if (f.scopes !== undefined && f.scopes !== null && !strList(f.scopes)) return null;
  if (f.kind === 'link' && f.sessionId === null) return null;
  if (f.formPost !== undefined && typeof f.formPost !== 'boolean') return null;
  let ext: unknown = null;
  if (f.ext !== null && f.ext !== undefined) {
    // Only a sign-in hands its session elsewhere: a link always ends in the linking browser.
    if (extension === null || f.kind !== 'signin') return null;
    ext = extension.readState(f.ext);
    if (ext === null) return null;
  }
  return {
    kind: f.kind,
    providerId,
    state: f.state,
    codeVerifier: f.codeVerifier,
    nonce: f.nonce,
    ...(f.scopes ? { scopes: f.scopes } : {}),
    redirectURI: f.redirectURI,
    target: f.target,
    sessionId: f.sessionId,
    ext,
    expiresAt: f.expiresAt,
    ...(f.formPost === true ? { formPost: true } : {}),
  };
}
