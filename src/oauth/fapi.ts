// The FAPI 2.0 Security Profile switch: one option that turns on what the profile requires of a
// client (PAR, PKCE S256, DPoP-bound tokens, `private_key_jwt`, the `iss` response parameter,
// PS256/ES256/EdDSA only) and refuses a configuration, or a provider, that cannot keep to it.
import type * as oauth from 'oauth4webapi';
import { LatchkeyError } from '../core/errors.ts';
import type { ClientAuthMethod, ClientPrivateKey } from './client-auth.ts';

/** The algorithms FAPI 2.0 allows for signing (§5.4: PS256, ES256, EdDSA with Ed25519). */
export const FAPI_ALGS: readonly string[] = ['PS256', 'ES256', 'EdDSA', 'Ed25519'];

/** The options FAPI 2.0 constrains (a subset of the client options). */
export interface FAPIOptions {
  fapi?: '2.0';
  clientSecret?: string | null;
  clientPrivateKey?: ClientPrivateKey;
  clientAuthMethod?: ClientAuthMethod;
  pkce?: boolean;
  pushedAuthorizationRequests?: boolean;
  dpop?: boolean;
  idTokenSigningAlg?: string;
}

function refuse(why: string): never {
  throw new TypeError(`latchkey: "fapi: '2.0'" ${why}`);
}

/** The algorithm FAPI 2.0 uses for a key whose configuration names none (RSA → PS256). */
function keyAlg(key: ClientPrivateKey): string | undefined {
  if (key.alg !== undefined) return key.alg;
  if (typeof key.key === 'string') return undefined;
  const jwk = key.key as JsonWebKey & { alg?: string };
  if (jwk.alg !== undefined) return jwk.alg;
  if (jwk.kty === 'RSA') return 'PS256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return undefined;
}

/**
 * The options with FAPI 2.0 applied: PAR, PKCE, DPoP and `private_key_jwt` on, the key's
 * algorithm fixed. Options without `fapi` are returned as they are.
 * @throws TypeError when an option contradicts the profile (a secret-based or no client
 *   authentication, PKCE or DPoP off, PAR off, an algorithm outside PS256/ES256/EdDSA)
 * @see https://openid.net/specs/fapi-security-profile-2_0-final.html#section-5.3.2
 */
export function applyFAPI<T extends FAPIOptions>(options: T): T {
  if (options.fapi === undefined) return options;
  if (options.fapi !== '2.0') refuse('is the only profile: use fapi: "2.0"');
  if (options.pkce === false) refuse('requires PKCE');
  if (options.dpop === false) refuse('requires sender-constrained (DPoP) tokens');
  if (options.pushedAuthorizationRequests === false) refuse('requires PAR');
  const method = options.clientAuthMethod ?? 'private_key_jwt';
  if (method !== 'private_key_jwt' || !options.clientPrivateKey) {
    refuse('requires private_key_jwt client authentication with a "clientPrivateKey"');
  }
  const alg = keyAlg(options.clientPrivateKey);
  if (alg === undefined || !FAPI_ALGS.includes(alg)) {
    refuse('requires a client key for PS256, ES256 or EdDSA (give "clientPrivateKey.alg")');
  }
  if (options.idTokenSigningAlg !== undefined && !FAPI_ALGS.includes(options.idTokenSigningAlg)) {
    refuse('requires ID tokens signed with PS256, ES256 or EdDSA');
  }
  return {
    ...options,
    clientSecret: null,
    clientAuthMethod: 'private_key_jwt',
    clientPrivateKey: { ...options.clientPrivateKey, alg },
    pkce: true,
    pushedAuthorizationRequests: true,
    dpop: true,
  };
}

/**
 * Checks that the provider can do FAPI 2.0 with this client: PAR, DPoP with ES256 and the `iss`
 * authorization response parameter.
 * @throws LatchkeyError `config` naming what the provider's metadata lacks
 */
export function checkFAPIMetadata(as: oauth.AuthorizationServer): void {
  const missing: string[] = [];
  if (!as.pushed_authorization_request_endpoint)
    missing.push('pushed_authorization_request_endpoint');
  if (!as.dpop_signing_alg_values_supported?.includes('ES256')) {
    missing.push('dpop_signing_alg_values_supported with ES256');
  }
  if (as.authorization_response_iss_parameter_supported !== true) {
    missing.push('authorization_response_iss_parameter_supported');
  }
  if (missing.length > 0) {
    throw new LatchkeyError('config', `The provider cannot do FAPI 2.0: no ${missing.join(', ')}`);
  }
}
