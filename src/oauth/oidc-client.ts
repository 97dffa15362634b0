import * as oauth from 'oauth4webapi';
import { OAuthClient, checkEndpoint, requestOptions, type OAuthClientOptions } from './client.ts';
import { OAuthResponseError, toOAuthError } from './errors.ts';
import { FAPI_ALGS } from './fapi.ts';
import { configuredFetch } from './transport.ts';

/** Options of an OpenID Connect client. */
/** The oldest ID token accepted: the longest a sign-in may take, plus clock skew. */
const MAX_ID_TOKEN_AGE = 15 * 60_000;

export interface OIDCClientOptions extends OAuthClientOptions {
  /**
   * The only JWS algorithm accepted for ID tokens. Default `RS256` (OIDC Core §15.1), or the
   * first asymmetric algorithm the provider lists when it does not offer RS256. Never `none`,
   * never an HMAC algorithm.
   */
  idTokenSigningAlg?: string;
}

// A token signed with an unknown `kid` makes us download the JWKS again (the provider rotated
// its keys) — but at most this often, so forged kids cannot make us hammer the provider.
const JWKS_REFRESH_INTERVAL = 30_000;

/**
 * Fetches and validates an issuer's OpenID Provider metadata: the document's `issuer` must equal
 * the configured issuer exactly.
 * @throws OAuthResponseError (via the client) on a mismatch, a non-JSON or a failed response
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation
 */
export async function discover(
  issuer: URL,
  fetchFn: typeof fetch,
  timeout: number,
): Promise<oauth.AuthorizationServer> {
  const options = requestOptions(fetchFn, timeout, issuer);
  const response = await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oidc' });
  return oauth.processDiscoveryResponse(issuer, response);
}

function isAsymmetric(alg: unknown): alg is string {
  return typeof alg === 'string' && alg !== 'none' && !alg.startsWith('HS');
}

/**
 * An OpenID Connect relying party: discovery, nonce, and full ID token validation — signature
 * with the expected algorithm against the issuer's JWKS (re-fetched on key rotation), `iss`,
 * `aud`, `azp`, `exp`, `iat`, `sub`, `nonce` — and userinfo whose `sub` must match.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
export class OIDCClient extends OAuthClient {
  readonly issuer: string;
  readonly #alg: string | undefined;
  readonly #fapi: boolean;
  #lastJwksRefresh = 0;

  /** @throws TypeError when the issuer is not https (or http to loopback) or an option is bad */
  constructor(issuer: string, options: OIDCClientOptions) {
    const url = checkEndpoint('issuer', issuer);
    const fetchFn = configuredFetch(options);
    super(() => discover(url, fetchFn, options.timeout ?? 10_000), options);
    this.issuer = issuer;
    this.#fapi = options.fapi === '2.0';
    if (options.idTokenSigningAlg !== undefined && !isAsymmetric(options.idTokenSigningAlg)) {
      throw new TypeError('latchkey: "idTokenSigningAlg" must be an asymmetric JWS algorithm');
    }
    this.#alg = options.idTokenSigningAlg;
  }

  /** The one ID token algorithm this client accepts. */
  expectedAlg(as: oauth.AuthorizationServer): string {
    if (this.#alg) return this.#alg;
    const offered = as.id_token_signing_alg_values_supported;
    // FAPI 2.0 allows no RS256: the provider's first allowed algorithm, else PS256.
    if (this.#fapi) return offered?.find((alg) => FAPI_ALGS.includes(alg)) ?? 'PS256';
    if (!Array.isArray(offered) || offered.includes('RS256')) return 'RS256';
    return offered.find(isAsymmetric) ?? 'RS256';
  }

  /**
   * The one `iss` a token of this provider with these claims must carry (ID tokens and logout
   * tokens alike): the discovery issuer here; a provider with per-token issuers overrides it.
   */
  expectedIssuer(_claims: Record<string, unknown>, as: oauth.AuthorizationServer): string {
    return as.issuer;
  }

  protected override clientFor(as: oauth.AuthorizationServer): oauth.Client {
    // Pinning the algorithm makes oauth4webapi reject `none`, HS256-with-the-public-key and any
    // other algorithm before the signature is even looked at.
    return { client_id: this.clientId, id_token_signed_response_alg: this.expectedAlg(as) };
  }

  protected override async validateIdToken(
    as: oauth.AuthorizationServer,
    response: Response,
    result: oauth.TokenEndpointResponse,
  ): Promise<Record<string, unknown> | null> {
    const claims = oauth.getValidatedIdTokenClaims(result);
    if (!claims) return null;
    // oauth4webapi trusts TLS for token endpoint responses; we verify the signature anyway, so a
    // compromised or misrouted token endpoint cannot mint identities.
    await this.#verifySignature(as, response);
    // OIDC Core §3.1.3.7 (6): an azp, when present, must be us (oauth4webapi checks it only for
    // multi-audience tokens).
    if (claims.azp !== undefined && claims.azp !== this.clientId) {
      throw new OAuthResponseError('The ID token azp claim is not this client', {
        reason: oauth.JWT_CLAIM_COMPARISON,
      });
    }
    // OIDC Core §3.1.3.7 (10): the token answers a code exchanged just now, so one issued long
    // ago is a replay (oauth4webapi only refuses an iat in the future).
    if (typeof claims.iat !== 'number' || claims.iat * 1000 < Date.now() - MAX_ID_TOKEN_AGE) {
      throw new OAuthResponseError('The ID token was issued too long ago', {
        reason: oauth.JWT_TIMESTAMP_CHECK,
      });
    }
    return { ...claims };
  }

  async #verifySignature(as: oauth.AuthorizationServer, response: Response): Promise<void> {
    try {
      await oauth.validateApplicationLevelSignature(as, response, this.options(as.jwks_uri));
    } catch (error) {
      const rotated =
        error instanceof oauth.OperationProcessingError && error.code === oauth.KEY_SELECTION;
      const now = Date.now();
      if (!rotated || now - this.#lastJwksRefresh < JWKS_REFRESH_INTERVAL) {
        throw toOAuthError(error, 'ID token validation');
      }
      this.#lastJwksRefresh = now;
      // oauth4webapi caches the JWKS per metadata object: a copy starts with an empty cache.
      const fresh = { ...as };
      this.replaceMetadata(fresh);
      try {
        await oauth.validateApplicationLevelSignature(
          fresh,
          response,
          this.options(fresh.jwks_uri),
        );
      } catch (retryError) {
        throw toOAuthError(retryError, 'ID token validation');
      }
    }
  }
}
