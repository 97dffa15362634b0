// DPoP (RFC 9449): sender-constrained provider tokens. A key pair is made for a code exchange;
// the tokens issued are bound to it, and every later token, userinfo or API request about them
// carries a fresh proof signed with it. The private key travels with the tokens as a JWK so the
// token vault can keep it sealed with them.
import * as oauth from 'oauth4webapi';
import { LatchkeyError } from '../core/errors.ts';
import { OAuthResponseError } from './errors.ts';

/** The private JWK of a DPoP key pair (ES256). As secret as the tokens bound to it. */
export type DPoPKey = JsonWebKey;

const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** A fresh ES256 key pair, and its private JWK. */
export async function generateDPoPKey(): Promise<{ key: DPoPKey; pair: CryptoKeyPair }> {
  const pair = await oauth.generateKeyPair('ES256', { extractable: true });
  const key = await crypto.subtle.exportKey('jwk', pair.privateKey);
  return { key, pair };
}

/** The key pair behind a stored private JWK. @throws LatchkeyError `config` when it is not one */
export async function importDPoPKey(key: DPoPKey): Promise<CryptoKeyPair> {
  try {
    const { kty, crv, x, y } = key;
    const [privateKey, publicKey] = await Promise.all([
      crypto.subtle.importKey('jwk', { kty, crv, x, y, d: key.d }, ALG, false, ['sign']),
      crypto.subtle.importKey('jwk', { kty, crv, x, y }, ALG, true, ['verify']),
    ]);
    return { privateKey, publicKey };
  } catch (cause) {
    throw new LatchkeyError('config', 'The stored DPoP key is not an ES256 private key', { cause });
  }
}

/**
 * Runs a DPoP request; when the server answers `use_dpop_nonce` (the handle has now learned the
 * nonce) it runs it once more — and only once.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 */
export async function withNonceRetry<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!oauth.isDPoPNonceError(error)) throw error;
    return run();
  }
}

/** A DPoP handle per key, kept so the server's nonce is remembered between requests. */
export class DPoPHandles {
  readonly #handles = new Map<string, Promise<oauth.DPoPHandle>>();

  /** The handle for `key` (at most 100 kept; the oldest is forgotten first). */
  get(client: oauth.Client, key: DPoPKey, pair?: CryptoKeyPair): Promise<oauth.DPoPHandle> {
    const id = `${key.x}.${key.y}`;
    let handle = this.#handles.get(id);
    if (!handle) {
      handle = (pair ? Promise.resolve(pair) : importDPoPKey(key)).then((p) =>
        oauth.DPoP(client, p),
      );
      handle.catch(() => this.#handles.delete(id));
      if (this.#handles.size >= 100) this.#handles.delete(this.#handles.keys().next().value!);
      this.#handles.set(id, handle);
    }
    return handle;
  }
}

/**
 * Checks that a token response sent with a DPoP proof was bound to the key: a provider that
 * answers with a plain bearer token ignored the proof, and a DPoP client refuses such tokens.
 * @throws OAuthResponseError when `token_type` is not `DPoP`
 */
export function requireBound(tokenType: string): void {
  if (tokenType.toLowerCase() !== 'dpop') {
    throw new OAuthResponseError('The provider did not bind the tokens to the DPoP key', {
      reason: 'dpop_not_bound',
    });
  }
}

/**
 * The DPoP key a token must be presented with, or `null` for a bearer token.
 * @throws LatchkeyError `config` for a DPoP-bound token without its key: it is never
 *   sent as a plain bearer token
 */
export function presentationKey(token: {
  tokenType: string;
  dpopKey?: DPoPKey | null;
}): DPoPKey | null {
  if (token.tokenType.toLowerCase() !== 'dpop') return token.dpopKey ?? null;
  if (!token.dpopKey) {
    throw new LatchkeyError(
      'config',
      'A DPoP-bound token needs its DPoP key; it is never sent as a bearer token',
    );
  }
  return token.dpopKey;
}
