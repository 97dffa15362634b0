// Sign in with Apple has no static client secret: the app signs a short JWT (ES256) with the
// private key it downloaded from Apple (a `.p8` file) and sends that as `client_secret`. This
// makes that JWT, keeps it while it is fresh and makes a new one before it expires.
import { importPKCS8, SignJWT } from 'jose';
import { LatchkeyError } from '../core/errors.ts';

/** Apple refuses a client secret whose `exp` is more than 15 777 000 s (6 months) after `iat`. */
export const APPLE_MAX_SECRET_LIFETIME = 15_777_000;

/** What Apple's client secret is made of. */
export interface AppleClientSecretOptions {
  /** The 10-character Team ID: the JWT's `iss`. */
  teamId: string;
  /** The 10-character Key ID of the Sign in with Apple key: the JWT header's `kid`. */
  keyId: string;
  /** The Services ID (web) or bundle id (app): the JWT's `sub`. */
  clientId: string;
  /** The `.p8` file's text (PKCS#8 PEM, an EC P-256 key). */
  privateKey: string;
  /** The JWT's `aud`: Apple's issuer, `https://appleid.apple.com`. */
  audience: string;
  /** Seconds each secret lives. Default 3600; at most {@link APPLE_MAX_SECRET_LIFETIME}. */
  lifetime?: number;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
}

const APPLE_ID = /^[A-Za-z0-9]{10}$/;

/**
 * A function giving the current client secret. A secret is reused until half its lifetime has
 * passed, so one handed out is never close to expiry when Apple checks it.
 * @throws TypeError on a bad team id, key id, key text or lifetime (the key itself is read on
 * first use: a key that is not an ES256 key then fails with LatchkeyError `config`)
 */
export function appleClientSecret(options: AppleClientSecretOptions): () => Promise<string> {
  const { teamId, keyId, clientId, privateKey, audience } = options;
  if (typeof teamId !== 'string' || !APPLE_ID.test(teamId))
    throw new TypeError('latchkey: "teamId" must be the 10-character Apple Team ID');
  if (typeof keyId !== 'string' || !APPLE_ID.test(keyId))
    throw new TypeError('latchkey: "keyId" must be the 10-character Apple Key ID');
  if (typeof privateKey !== 'string' || !privateKey.includes('-----BEGIN PRIVATE KEY-----'))
    throw new TypeError('latchkey: "privateKey" must be the .p8 file text (PKCS#8 PEM)');
  const lifetime = options.lifetime ?? 3600;
  if (!Number.isInteger(lifetime) || lifetime < 60 || lifetime > APPLE_MAX_SECRET_LIFETIME)
    throw new TypeError('latchkey: "clientSecretLifetime" must be 60 to 15777000 seconds');
  const now = options.now ?? Date.now;
  let key: Promise<CryptoKey> | null = null;
  let cached: { value: Promise<string>; renewAt: number } | null = null;

  const sign = async (at: number): Promise<string> => {
    key ??= importPKCS8(privateKey, 'ES256').catch(() => {
      key = null; // never echo the key: only say it is not usable
      throw new LatchkeyError('config', '"privateKey" is not an ES256 (P-256) private key');
    });
    const iat = Math.floor(at / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: keyId })
      .setIssuer(teamId)
      .setSubject(clientId)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + lifetime)
      .sign(await key);
  };
  return () => {
    const at = now();
    if (cached === null || at >= cached.renewAt) {
      const value = sign(at);
      cached = { value, renewAt: at + (lifetime * 1000) / 2 };
      // A failed signing is not cached: the next request tries again.
      value.catch(() => {
        if (cached?.value === value) cached = null;
      });
    }
    return cached.value;
  };
}

/**
 * Wraps `fetch` so that POSTs to Apple's `/auth/token` and `/auth/revoke` carry a current
 * `client_secret` in the body (client_secret_post with a fresh JWT, not a configured string).
 */
export function withAppleClientSecret(
  send: typeof fetch,
  issuer: string,
  secret: () => Promise<string>,
): typeof fetch {
  const origin = new URL(issuer).origin;
  return async (input, init) => {
    const url = URL.parse(input instanceof Request ? input.url : String(input));
    const own = url?.origin === origin && /\/auth\/(token|revoke)$/.test(url.pathname);
    if (own && init?.method === 'POST' && init.body instanceof URLSearchParams) {
      const body = new URLSearchParams(init.body);
      body.set('client_secret', await secret());
      init = { ...init, body };
    }
    return send(input, init);
  };
}
