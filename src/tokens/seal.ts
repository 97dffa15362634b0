// AES-256-GCM sealing of provider tokens at rest, with Web Crypto only (runs on edge runtimes
// too). Format: `v1.<kid>.<iv>.<ciphertext+tag>` (base64url). The key id travels with the
// ciphertext so keys can rotate: the first configured key seals, every configured key opens.
// The account identity is the GCM additional data, so a ciphertext copied into another
// account's row fails to open instead of handing that account someone else's tokens.
import { invalidArgument } from '../core/errors.ts';
import { aesGcmDecrypt, aesGcmEncrypt, importAesKey, IV_BYTES, TAG_BYTES } from '../core/aead.ts';
import { decodeBase64url, encodeBase64url } from '../core/random.ts';
import { MAKE_SECRET_COMMAND } from '../core/secret-hint.ts';
import type { AccountKey } from '../core/types.ts';
import { TokenDecryptionError } from './errors.ts';

/** One sealing key: an id (stored with each ciphertext) and 32 random bytes. */
export interface TokenKey {
  /** 1-32 characters of `[A-Za-z0-9_-]`; never reuse an id for different key bytes. */
  id: string;
  /** 32 bytes, as a `Uint8Array` or base64url text (e.g. `openssl rand -base64 32 | tr '+/' '-_'`). */
  key: Uint8Array | string;
}

/** Seals and opens token sets for one account identity. */
export interface TokenSealer {
  /** The id of the key that seals (the first configured one). */
  readonly currentKeyId: string;
  seal(plaintext: string, account: AccountKey): Promise<string>;
  /**
   * Opens a sealed value.
   * @throws TokenDecryptionError on an unknown key id, a wrong key, tampering or another account.
   */
  open(sealed: string, account: AccountKey): Promise<string>;
  /** The key id a sealed value names, or `null` when it is not in this format. */
  keyIdOf(sealed: string): string | null;
}

const VERSION = 'v1';
const KID = /^[A-Za-z0-9_-]{1,32}$/;

function keyBytes(index: number, key: Uint8Array | string): Uint8Array {
  const bytes = typeof key === 'string' ? decodeBase64url(key.replace(/=+$/, '')) : key;
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    const got =
      key === undefined || key === null || key === ''
        ? 'is missing'
        : bytes instanceof Uint8Array
          ? `is ${bytes.length} bytes long`
          : 'is not base64url';
    invalidArgument(
      `keys[${index}].key`,
      `${got}; it must be exactly 32 bytes (a Uint8Array, or 43 base64url characters). Make ` +
        `one with ${MAKE_SECRET_COMMAND} and keep it out of the code (an environment variable)`,
    );
  }
  return bytes;
}

function additionalData(account: AccountKey): string {
  return JSON.stringify([
    'latchkey/tokens/v1',
    account.providerId,
    account.issuer ?? '',
    account.providerUserId,
  ]);
}

/**
 * Creates a sealer from the configured keys: `keys[0]` seals, all of them open.
 * @throws TypeError when the list is empty, an id is malformed or repeated, or a key is not 32 bytes.
 * @see https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf (GCM, 96-bit IV)
 */
export function createTokenSealer(keys: readonly TokenKey[]): TokenSealer {
  if (!Array.isArray(keys) || keys.length === 0)
    invalidArgument('keys', 'must list at least one key');
  const imported = new Map<string, Promise<CryptoKey>>();
  keys.forEach((entry, index) => {
    if (!entry || typeof entry.id !== 'string' || !KID.test(entry.id)) {
      invalidArgument(`keys[${index}].id`, 'must be 1-32 characters of [A-Za-z0-9_-]');
    }
    if (imported.has(entry.id)) invalidArgument(`keys[${index}].id`, 'must be unique');
    const raw = new Uint8Array(keyBytes(index, entry.key));
    imported.set(entry.id, importAesKey(raw));
  });
  const currentKeyId = keys[0]!.id;

  return {
    currentKeyId,
    async seal(plaintext, account) {
      const key = await imported.get(currentKeyId)!;
      const { iv, ciphertext } = await aesGcmEncrypt(key, plaintext, additionalData(account));
      return `${VERSION}.${currentKeyId}.${encodeBase64url(iv)}.${encodeBase64url(ciphertext)}`;
    },
    async open(sealed, account) {
      const parts = typeof sealed === 'string' ? sealed.split('.') : [];
      if (parts.length !== 4 || parts[0] !== VERSION) throw new TokenDecryptionError('bad format');
      const key = imported.get(parts[1]!);
      if (!key) throw new TokenDecryptionError(`no configured key has the id "${parts[1]}"`);
      const iv = decodeBase64url(parts[2]!);
      const ct = decodeBase64url(parts[3]!);
      if (!iv || iv.length !== IV_BYTES || !ct || ct.length < TAG_BYTES) {
        throw new TokenDecryptionError('bad format');
      }
      const plain = await aesGcmDecrypt(await key, iv, ct, additionalData(account));
      if (plain === null) {
        throw new TokenDecryptionError(
          'authentication failed (wrong key, tampered, or another account)',
        );
      }
      return plain;
    },
    keyIdOf(sealed) {
      const parts = typeof sealed === 'string' ? sealed.split('.') : [];
      return parts.length === 4 && parts[0] === VERSION && KID.test(parts[1]!) ? parts[1]! : null;
    },
  };
}

/** 32 fresh random bytes as base64url: a new sealing key for {@link TokenKey}. */
export function generateTokenKey(): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
}
