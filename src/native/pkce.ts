// The app's half of PKCE (RFC 7636) and the state it checks on its loopback listener.
import { encodeBase64url } from '../core/random.ts';

/** 32 random bytes as base64url (43 characters), for a `state` or a PKCE verifier. */
export function randomBase64url(byteLength = 32): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(byteLength)));
}

/**
 * The S256 code challenge of a verifier.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
export async function codeChallengeS256(codeVerifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier));
  return encodeBase64url(new Uint8Array(digest));
}

/** Compares two strings in time independent of where they differ. */
export function timingSafeEqualString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
