// Sealed values: AES-256-GCM under a key derived with HKDF-SHA256 from the app's secret, so a
// flow cookie is both secret (the PKCE verifier and nonce never reach script or logs) and
// authenticated (any change to a byte, or a cookie made for another purpose, fails to open).
import { aesGcmDecrypt, aesGcmEncrypt, IV_BYTES, TAG_BYTES } from '../core/aead.ts';
import { decodeBase64url, encodeBase64url } from '../core/random.ts';
import { MAKE_SECRET_COMMAND } from '../core/secret-hint.ts';

const encoder = new TextEncoder();
/** Longest sealed text `open` looks at; anything longer is not ours. */
const MAX_SEALED = 4096;

/** A secret accepted for sealing: at least 32 bytes (a string counts its UTF-8 bytes). */
export type SealSecret = string | Uint8Array;

/** Encrypts and authenticates small JSON values under one purpose-bound key. */
export interface Sealer {
  /** Seals `value` (JSON-serialisable); `context` is bound as additional authenticated data. */
  seal(value: unknown, context: string): Promise<string>;
  /** Opens a sealed text made with the same secret, purpose and context, or `null`. */
  open(sealed: string | null | undefined, context: string): Promise<unknown>;
}

// Names the option, says what is wrong with it (never its value) and how to make a good one.
function secretError(secret: unknown, bytes: unknown): TypeError {
  const what =
    secret === undefined || secret === null || secret === ''
      ? 'is missing'
      : bytes instanceof Uint8Array
        ? `is ${bytes.length} bytes long; it must be at least 32 bytes`
        : 'must be a string or a Uint8Array of at least 32 bytes';
  return new TypeError(
    `latchkey: the "secret" option of createAuthHandler ${what}. Make one with ` +
      `${MAKE_SECRET_COMMAND} (or \`openssl rand -base64 32\`), keep it out of the code ` +
      '(an environment variable such as SESSION_SECRET) and keep it stable across restarts.',
  );
}

/**
 * Derives an AES-256-GCM key from `secret` for one `purpose` (HKDF info), so the same app
 * secret can key several independent kinds of sealed value.
 * @throws TypeError, naming the option and how to make one, when the secret is missing or
 * shorter than 32 bytes.
 * @see RFC 5869 (HKDF), NIST SP 800-38D (GCM)
 */
export function createSealer(secret: SealSecret, purpose: string): Sealer {
  const bytes = typeof secret === 'string' ? encoder.encode(secret) : secret;
  if (!(bytes instanceof Uint8Array) || bytes.length < 32) throw secretError(secret, bytes);
  const keyPromise = crypto.subtle
    .importKey('raw', new Uint8Array(bytes), 'HKDF', false, ['deriveKey'])
    .then((base) =>
      crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode(purpose) },
        base,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      ),
    );
  return {
    async seal(value, context) {
      const { iv, ciphertext } = await aesGcmEncrypt(
        await keyPromise,
        JSON.stringify(value),
        context,
      );
      const out = new Uint8Array(IV_BYTES + ciphertext.length);
      out.set(iv);
      out.set(ciphertext, IV_BYTES);
      return encodeBase64url(out);
    },
    async open(sealed, context) {
      if (typeof sealed !== 'string' || sealed.length === 0 || sealed.length > MAX_SEALED) {
        return null;
      }
      const data = decodeBase64url(sealed);
      if (data === null || data.length < IV_BYTES + TAG_BYTES) return null;
      // Wrong key, wrong context or tampered: all the same to the caller.
      const plain = await aesGcmDecrypt(
        await keyPromise,
        data.subarray(0, IV_BYTES),
        data.subarray(IV_BYTES),
        context,
      );
      if (plain === null) return null;
      try {
        return JSON.parse(plain) as unknown;
      } catch {
        return null;
      }
    },
  };
}
