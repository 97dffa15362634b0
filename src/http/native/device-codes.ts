// The records and codes of the device authorization grant (RFC 8628), shared by the device's
// routes (device.ts) and the person's approval (device-approval.ts). Every record is a
// short-lived store entry; the person's decision is written once, insert-only, so it can race
// neither a second decision nor the device's polls.

export const DEVICE_KIND = 'device-code';
export const USER_CODE_KIND = 'device-user-code';
export const GRANT_KIND = 'device-grant';
export const POLL_KIND = 'device-poll';
/** Consonants only: no vowels (no words), no 0/O or 1/I/L look-alikes (RFC 8628 §6.1). */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

/** What the store keeps for a device code. */
export interface DeviceRecord {
  secretHash: string;
  userCode: string;
  expiresAt: number;
}
/** When the device last polled, and the interval it must keep. */
export interface PollRecord {
  last: number;
  interval: number;
}
/** The person's decision. */
export type GrantRecord =
  { status: 'approved'; userId: string; sessionAttributes?: object } | { status: 'denied' };

/** A fresh user code: 8 letters of {@link USER_CODE_ALPHABET}. */
export function randomUserCode(): string {
  let out = '';
  while (out.length < 8) {
    for (const byte of crypto.getRandomValues(new Uint8Array(16))) {
      // 240 = 12 × 20: rejecting the rest keeps every letter equally likely.
      if (byte < 240 && out.length < 8) out += USER_CODE_ALPHABET[byte % 20];
    }
  }
  return out;
}

/** Shows a user code as `XXXX-XXXX`. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * Normalises what a person typed (case, dashes, spaces) to the stored form, or `null` when it
 * cannot be a user code. Linear scan, no regex backtracking on untrusted input.
 */
export function normalizeUserCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 32) return null;
  let out = '';
  for (const ch of input.toUpperCase()) {
    if (ch === '-' || ch === ' ') continue;
    if (!USER_CODE_ALPHABET.includes(ch)) return null;
    out += ch;
  }
  return out.length === 8 ? out : null;
}
