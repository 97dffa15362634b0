import { constantTimeEqualBinary, randomString } from './random.ts';
import { sha256, sha256Binary } from './sha256.ts';

/**
 * Prefixes per token kind. Each kind has its own keyspace, so a token of one kind presented as
 * another is simply not found.
 */
export const TOKEN_PREFIX = {
  session: 'lks_',
  oneTimeCode: 'lkc_',
  deviceCode: 'lkd_',
  flowState: 'lkf_',
} as const;

export type TokenKind = keyof typeof TOKEN_PREFIX;

// 15 random bytes → 24 base32 characters (120-bit id); 20 bytes → 32 characters (160-bit secret).
const ID_LENGTH = 24;
const SECRET_LENGTH = 32;
const BASE32_CHARS = /^[a-z2-7]+$/;

export interface TokenParts {
  id: string;
  secret: string;
}

/** Creates `<prefix><id>.<secret>` and the SHA-256 of the secret, the only part ever stored. */
export function generateToken(kind: TokenKind): {
  token: string;
  id: string;
  secretHash: Uint8Array;
} {
  const id = randomString(15);
  const secret = randomString(20);
  return { token: `${TOKEN_PREFIX[kind]}${id}.${secret}`, id, secretHash: sha256(secret) };
}

/** Splits a token of the given kind; `null` for anything that is not exactly such a token. */
export function parseToken(kind: TokenKind, token: unknown): TokenParts | null {
  const prefix = TOKEN_PREFIX[kind];
  if (typeof token !== 'string') return null;
  if (token.length !== prefix.length + ID_LENGTH + 1 + SECRET_LENGTH) return null;
  if (!token.startsWith(prefix) || token.charCodeAt(prefix.length + ID_LENGTH) !== 46 /* . */) {
    return null;
  }
  const id = token.slice(prefix.length, prefix.length + ID_LENGTH);
  const secret = token.slice(prefix.length + ID_LENGTH + 1);
  if (!BASE32_CHARS.test(id) || !BASE32_CHARS.test(secret)) return null;
  return { id, secret };
}

/** Constant-time check of a presented secret against the stored hash. */
export function verifySecret(secret: string, secretHash: Uint8Array): boolean {
  return constantTimeEqualBinary(sha256Binary(secret), secretHash);
}
