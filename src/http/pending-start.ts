// A start that waits for the person to confirm it in the browser (a native sign-in opened by a
// program on this computer). It waits in the flow cookie's place, sealed for its own purpose so
// it can never be opened as a flow at a callback, and holds only what the start asked for: the
// extension's state and the scopes. Confirming starts the flow from it; nothing is written.
import type { Cookie } from '../core/cookies.ts';
import { FLOW_LIFETIME, flowCookie, type FlowCookieScope } from './flow-cookie.ts';
import type { Sealer } from './seal.ts';
import type { SignInExtension } from './sign-in-extension.ts';

/** A start awaiting confirmation. */
export interface PendingStart {
  providerId: string;
  /** The extension's state, as its `parseStart` returned it. */
  ext: unknown;
  /** The scopes the start asked for; `null` for the provider's defaults. */
  scopes: string[] | null;
  expiresAt: number;
}

const purpose = (providerId: string): string => `confirm:${providerId}`;

/** Seals a pending start into the flow cookie; it lives as long as a flow would. */
export async function createPendingStartCookie(
  sealer: Sealer,
  start: Omit<PendingStart, 'expiresAt'>,
  now: number,
  scope: FlowCookieScope,
): Promise<Cookie> {
  const pending: PendingStart = { ...start, expiresAt: now + FLOW_LIFETIME };
  const value = await sealer.seal(pending, purpose(start.providerId));
  return flowCookie(value, pending.expiresAt, scope);
}

/**
 * Opens a pending start for `providerId`: `null` when the cookie is missing, tampered with,
 * a flow rather than a pending start, sealed for another provider, expired, or its state is
 * not one `extension` reads back.
 */
export async function openPendingStart(
  sealer: Sealer,
  value: string | null,
  providerId: string,
  now: number,
  extension: Pick<SignInExtension, 'readState'>,
): Promise<PendingStart | null> {
  const raw = await sealer.open(value, purpose(providerId));
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const p = raw as Record<string, unknown>;
  if (p.providerId !== providerId) return null;
  if (typeof p.expiresAt !== 'number' || !(now < p.expiresAt)) return null;
  const scopes = p.scopes;
  if (scopes !== null && !(Array.isArray(scopes) && scopes.every((s) => typeof s === 'string'))) {
    return null;
  }
  const ext = extension.readState(p.ext);
  if (ext === null) return null;
  return { providerId, ext, scopes: scopes as string[] | null, expiresAt: p.expiresAt };
}
