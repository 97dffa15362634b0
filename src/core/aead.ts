// AES-256-GCM through Web Crypto, the one authenticated-encryption primitive latchkey uses: the
// flow cookie (http/seal.ts), the native one-time code's token (http/native/native-code.ts) and
// provider tokens at rest (tokens/seal.ts) each add their own key handling and text format.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Bytes of a GCM initialisation vector: 96 bits, fresh from the CSPRNG for every message. */
export const IV_BYTES = 12;
/** Bytes of the GCM authentication tag appended to every ciphertext. */
export const TAG_BYTES = 16;

/** Imports 32 raw bytes as a non-extractable AES-256-GCM key. */
export function importAesKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new Uint8Array(raw), 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ]);
}

/**
 * Encrypts UTF-8 text; `additionalData` is authenticated but not encrypted (it binds the
 * ciphertext to its context: an account, a code id, a purpose).
 * @see NIST SP 800-38D
 */
export async function aesGcmEncrypt(
  key: CryptoKey,
  plaintext: string,
  additionalData: string,
): Promise<{ iv: Uint8Array; ciphertext: Uint8Array }> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(additionalData) },
    key,
    encoder.encode(plaintext),
  );
  return { iv, ciphertext: new Uint8Array(ciphertext) };
}

/**
 * Decrypts and authenticates; `null` for a wrong key, a wrong context, tampering or malformed
 * input — all the same to a caller, and none of them an exception.
 */
export async function aesGcmDecrypt(
  key: CryptoKey,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  additionalData: string,
): Promise<string | null> {
  if (iv.length !== IV_BYTES || ciphertext.length < TAG_BYTES) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: new Uint8Array(iv), additionalData: encoder.encode(additionalData) },
      key,
      new Uint8Array(ciphertext),
    );
    return decoder.decode(plain);
  } catch {
    return null;
  }
}
