// The one-time code that carries a native sign-in from the browser to the app (RFC 8252 §4.1).
// The session is created when the browser comes back, but its token must reach only the app
// that holds the PKCE verifier. The record therefore keeps the session token encrypted under a
// key derived from the code's secret: the store (or a dump of it) holds only a hash of the
// secret and a ciphertext it cannot open.
import { aesGcmDecrypt, aesGcmEncrypt, importAesKey } from '../../core/aead.ts';
import { decodeBase64url, encodeBase64url } from '../../core/random.ts';
import { sha256 } from '../../core/sha256.ts';
import { generateToken, parseToken, verifySecret } from '../../core/session-token.ts';
import type { Store } from '../../store.ts';

/** Keyspace of live one-time codes. */
export const NATIVE_CODE_KIND = 'native-code';
/** Keyspace of redeemed (or burnt) codes, kept a while so a replay can be recognised. */
export const NATIVE_CODE_USED_KIND = 'native-code-used';
/** RFC 8252 asks for short-lived codes; docs/security.md caps them at 60 s. */
export const NATIVE_CODE_TTL_MS = 60_000;
/** How long a used code is remembered for replay detection. */
export const USED_CODE_TTL_MS = 10 * 60_000;

/** What the store keeps for a live code. */
export interface NativeCodeRecord {
  /** base64url SHA-256 of the code secret. */
  secretHash: string;
  codeChallenge: string;
  sessionId: string;
  /** base64url IV + AES-GCM ciphertext of the session token. */
  sealedToken: string;
  expiresAt: number;
}

/** What the store keeps for a used code. */
export interface UsedCodeRecord {
  secretHash: string;
  sessionId: string;
}

async function tokenKey(secret: string): Promise<CryptoKey> {
  // A domain-separated hash, so the stored secret hash never doubles as the key.
  const raw = sha256(`latchkey native-code key v1\u0000${secret}`);
  return importAesKey(raw);
}

/**
 * Creates a one-time code for a session just created and stores its record.
 * @returns the code (`lkc_<id>.<secret>`, 280 random bits) to hand to the browser.
 */
export async function issueNativeCode(
  store: Store,
  input: { sessionId: string; sessionToken: string; codeChallenge: string; now: number },
): Promise<string> {
  const { token, id, secretHash } = generateToken('oneTimeCode');
  const secret = token.slice(token.indexOf('.') + 1);
  const { iv, ciphertext } = await aesGcmEncrypt(await tokenKey(secret), input.sessionToken, id);
  const record: NativeCodeRecord = {
    secretHash: encodeBase64url(secretHash),
    codeChallenge: input.codeChallenge,
    sessionId: input.sessionId,
    sealedToken: `${encodeBase64url(iv)}.${encodeBase64url(ciphertext)}`,
    expiresAt: input.now + NATIVE_CODE_TTL_MS,
  };
  await store.setTemp(NATIVE_CODE_KIND, id, JSON.stringify(record), record.expiresAt);
  return token;
}

/** Splits a presented code; `null` for anything that is not a one-time code. */
export function parseNativeCode(code: unknown): { id: string; secret: string } | null {
  return parseToken('oneTimeCode', code);
}

/** Whether the presented secret matches a stored base64url hash, in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const expected = decodeBase64url(storedHash);
  return expected !== null && verifySecret(secret, expected);
}

/** Opens the sealed session token with the code's secret; `null` if it does not open. */
export async function openSealedToken(
  id: string,
  secret: string,
  sealedToken: string,
): Promise<string | null> {
  const [ivText, ctText] = sealedToken.split('.');
  const iv = decodeBase64url(ivText ?? '');
  const ciphertext = decodeBase64url(ctText ?? '');
  if (!iv || !ciphertext) return null;
  return aesGcmDecrypt(await tokenKey(secret), iv, ciphertext, id);
}

/** Parses a stored JSON record defensively; `null` when it is not an object. */
export function parseRecord<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as T) : null;
  } catch {
    return null;
  }
}
