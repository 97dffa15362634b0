// How the client proves who it is to the provider's token, PAR and revocation endpoints: a
// secret (RFC 6749 §2.3.1), a JWT assertion signed with the secret or with a private key
// (RFC 7523, `client_secret_jwt` / `private_key_jwt`), or nothing (a public client).
import { importJWK, importPKCS8 } from 'jose';
import * as oauth from 'oauth4webapi';
import { LatchkeyError } from '../core/errors.ts';

/** How the client authenticates at the token endpoint (RFC 6749 §2.3.1, RFC 7523 §2.2). */
export type ClientAuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';

/**
 * The client's private signing key: for `private_key_jwt` client assertions and signed request
 * objects (JAR). Give a private JWK, or PKCS#8 PEM text (`-----BEGIN PRIVATE KEY-----`).
 */
export interface ClientPrivateKey {
  /** A private JWK (it has `d`), or PKCS#8 PEM text. */
  key: JsonWebKey | string;
  /**
   * The JWS algorithm. Default: the JWK's `alg`, else from the key type — RSA → RS256, EC P-256 →
   * ES256 (P-384 → ES384, P-521 → ES512), Ed25519 → EdDSA. A PEM key's type is found by trying.
   */
  alg?: string;
  /** The key id put in the JWS header (`kid`). Default: the JWK's `kid`. */
  kid?: string;
}

/** A client key ready to sign: the CryptoKey, its algorithm and key id. */
export interface SigningKey extends oauth.PrivateKey {
  alg: string;
}

const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/;
const CURVE_ALG: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
// The order in which a PEM key's type is tried when no `alg` is given.
const PEM_GUESSES = ['RS256', 'ES256', 'ES384', 'ES512', 'EdDSA'];

function jwkAlg(jwk: JsonWebKey & { alg?: string }): string | undefined {
  if (typeof jwk.alg === 'string') return jwk.alg;
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC') return CURVE_ALG[jwk.crv ?? ''];
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return undefined;
}

/**
 * Checks a configured private key's shape (no crypto yet).
 * @throws TypeError for a public or symmetric JWK, text that is not PKCS#8 PEM, or a bad `alg`
 */
export function checkPrivateKey(name: string, value: ClientPrivateKey | undefined): void {
  if (value === undefined) return;
  const key = value?.key;
  if (typeof key === 'string') {
    if (!/-----BEGIN PRIVATE KEY-----/.test(key)) {
      throw new TypeError(`latchkey: "${name}.key" must be a private JWK or PKCS#8 PEM text`);
    }
  } else if (typeof key !== 'object' || key === null || typeof key.d !== 'string') {
    throw new TypeError(`latchkey: "${name}.key" must be a private JWK or PKCS#8 PEM text`);
  } else if (key.kty === 'oct') {
    throw new TypeError(`latchkey: "${name}.key" must be an asymmetric key`);
  }
  const alg = value.alg ?? (typeof key === 'string' ? undefined : jwkAlg(key));
  if (alg !== undefined && !ASYMMETRIC.test(alg)) {
    throw new TypeError(`latchkey: "${name}.alg" must be an asymmetric JWS algorithm`);
  }
}

/**
 * Imports a checked private key for signing.
 * @throws LatchkeyError `config` when the key cannot be imported for its algorithm
 */
export async function importPrivateKey(name: string, value: ClientPrivateKey): Promise<SigningKey> {
  const { key } = value;
  const kid = value.kid ?? (typeof key === 'string' ? undefined : (key as { kid?: string }).kid);
  const candidates =
    value.alg !== undefined
      ? [value.alg]
      : typeof key === 'string'
        ? PEM_GUESSES
        : [jwkAlg(key)!].filter(Boolean);
  for (const alg of candidates) {
    try {
      const imported =
        typeof key === 'string'
          ? await importPKCS8(key, alg)
          : await importJWK({ ...key, alg } as Parameters<typeof importJWK>[0], alg);
      if (!(imported instanceof CryptoKey) || imported.type !== 'private') break;
      return kid === undefined ? { key: imported, alg } : { key: imported, alg, kid };
    } catch {
      // Not this algorithm's key type: try the next one.
    }
  }
  throw new LatchkeyError('config', `"${name}" could not be imported as a private signing key`);
}

/**
 * The oauth4webapi client authentication for a method. The private key is imported on first use
 * (`key` resolves once), so a constructor stays synchronous.
 */
export function clientAuthentication(
  method: ClientAuthMethod,
  secret: string | null,
  key: (() => Promise<SigningKey>) | null,
): oauth.ClientAuth {
  switch (method) {
    case 'none':
      return oauth.None();
    case 'client_secret_post':
      return oauth.ClientSecretPost(secret!);
    case 'client_secret_basic':
      return oauth.ClientSecretBasic(secret!);
    case 'client_secret_jwt':
      return oauth.ClientSecretJwt(secret!);
    case 'private_key_jwt':
      // A fresh assertion (new `jti`, `iat`, `exp`) for every request.
      return async (as, client, body, headers) =>
        oauth.PrivateKeyJwt(await key!())(as, client, body, headers);
  }
}

/** Resolves the method a configuration asks for. @throws TypeError when its key or secret is missing */
export function resolveClientAuthMethod(
  method: ClientAuthMethod | undefined,
  secret: string | null,
  privateKey: ClientPrivateKey | undefined,
): ClientAuthMethod {
  const resolved =
    method ?? (secret ? 'client_secret_basic' : privateKey ? 'private_key_jwt' : 'none');
  if (resolved === 'private_key_jwt') {
    if (!privateKey)
      throw new TypeError('latchkey: "clientPrivateKey" is required for private_key_jwt');
  } else if (resolved !== 'none' && !secret) {
    throw new TypeError(`latchkey: "clientSecret" is required for ${resolved}`);
  }
  return resolved;
}
