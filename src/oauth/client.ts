import * as oauth from 'oauth4webapi';
import { LatchkeyError } from '../core/errors.ts';
import { checkCallbackState } from './callback.ts';
import { OAuthCallbackError, OAuthRequestError, toOAuthError } from './errors.ts';
import type {
  AuthorizationRequest,
  CreateAuthorizationURLOptions,
  OAuthTokens,
  ProviderConfig,
  ValidateAuthorizationCodeOptions,
} from './provider.ts';
import {
  checkPrivateKey,
  clientAuthentication,
  importPrivateKey,
  resolveClientAuthMethod,
  type ClientAuthMethod,
  type SigningKey,
} from './client-auth.ts';
import { authorizationURL } from './authorization-request.ts';
import { applyFAPI, checkFAPIMetadata } from './fapi.ts';
import {
  DPoPHandles,
  generateDPoPKey,
  presentationKey,
  requireBound,
  withNonceRetry,
  type DPoPKey,
} from './dpop.ts';
import { tokensFromResponse, type TokenResponseFields } from './tokens.ts';
import {
  checkEndpoint,
  configuredFetch,
  readJSON,
  requestOptions,
  type RequestOptions,
} from './transport.ts';

export { checkCallbackState } from './callback.ts';
export { checkEndpoint, isLoopbackURL, readJSON, requestOptions } from './transport.ts';
export type { RequestOptions } from './transport.ts';
export type { ClientAuthMethod, ClientPrivateKey } from './client-auth.ts';

/** Options of {@link OAuthClient.refreshAccessToken}. */
export interface RefreshOptions {
  /** The DPoP key the tokens being refreshed are bound to (RFC 9449 §5). */
  dpopKey?: DPoPKey | null;
}

/** Tokens issued against a DPoP proof carry its key; they must have been bound to it. */
function bindTokens(tokens: OAuthTokens, key: DPoPKey | null): OAuthTokens {
  if (key === null) return tokens;
  requireBound(tokens.tokenType);
  return { ...tokens, dpopKey: key };
}

/**
 * Options shared by every OAuth 2.0 / OIDC client: the provider configuration's client fields
 * (declared once in {@link ProviderConfig}) plus how to authenticate and a clock.
 */
export interface OAuthClientOptions extends Pick<
  ProviderConfig,
  | 'clientId'
  | 'clientSecret'
  | 'clientPrivateKey'
  | 'pkce'
  | 'pushedAuthorizationRequests'
  | 'requestObjects'
  | 'dpop'
  | 'fapi'
  | 'fetch'
  | 'timeout'
> {
  /**
   * Default `client_secret_basic` with a secret, else `private_key_jwt` with a
   * `clientPrivateKey`, else `none`. Used by the token, PAR and revocation requests.
   */
  clientAuthMethod?: ClientAuthMethod;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

// Parameters latchkey sets itself: letting `params` override them would disable state or PKCE.
const RESERVED = new Set([
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'request',
  'request_uri',
]);

/**
 * A generic OAuth 2.0 client over oauth4webapi: authorization URL, callback validation and code
 * exchange, refresh, revocation, userinfo and protected resource requests. Providers compose it.
 */
export class OAuthClient {
  readonly clientId: string;
  readonly pkce: boolean;
  /** Whether the FAPI 2.0 Security Profile is on. */
  readonly fapi: boolean;
  readonly #load: () => Promise<oauth.AuthorizationServer>;
  #metadata: Promise<oauth.AuthorizationServer> | null = null;
  readonly #client: oauth.Client;
  readonly #auth: oauth.ClientAuth;
  readonly #signingKey: (() => Promise<SigningKey>) | null;
  readonly #pushed: boolean | undefined;
  readonly #signed: boolean | undefined;
  readonly #bindTokens: boolean;
  readonly #dpop = new DPoPHandles();
  readonly #fetch: typeof fetch;
  readonly #timeout: number;
  readonly #now: () => number;

  /**
   * @param metadata the authorization server metadata, or a loader (discovery) called lazily
   * @throws TypeError on a missing client id or an unusable option
   */
  constructor(
    metadata: oauth.AuthorizationServer | (() => Promise<oauth.AuthorizationServer>),
    options: OAuthClientOptions,
  ) {
    options = applyFAPI(options);
    if (typeof options?.clientId !== 'string' || options.clientId.length === 0) {
      throw new TypeError('latchkey: "clientId" must be a non-empty string');
    }
    const secret = options.clientSecret ?? null;
    const privateKey = options.clientPrivateKey;
    checkPrivateKey('clientPrivateKey', privateKey);
    const method = resolveClientAuthMethod(options.clientAuthMethod, secret, privateKey);
    let imported: Promise<SigningKey> | null = null;
    this.#signingKey = privateKey
      ? () => (imported ??= importPrivateKey('clientPrivateKey', privateKey))
      : null;
    this.clientId = options.clientId;
    this.pkce = options.pkce ?? true;
    this.#load = typeof metadata === 'function' ? metadata : async () => metadata;
    this.#client = { client_id: options.clientId };
    this.#auth = clientAuthentication(method, secret, this.#signingKey);
    this.#pushed = options.pushedAuthorizationRequests;
    if (options.requestObjects === true && !privateKey) {
      throw new TypeError('latchkey: "requestObjects" needs a "clientPrivateKey" to sign with');
    }
    this.#signed = options.requestObjects;
    this.#bindTokens = options.dpop === true;
    this.fapi = options.fapi === '2.0';
    this.#fetch = configuredFetch(options);
    this.#timeout = options.timeout ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The authorization server metadata (loaded once; a failed load is retried on the next call).
   * @throws OAuthResponseError when discovery fails
   */
  async metadata(): Promise<oauth.AuthorizationServer> {
    this.#metadata ??= this.#load().catch((error: unknown) => {
      this.#metadata = null;
      throw toOAuthError(error, 'discovery');
    });
    return this.#metadata;
  }

  /** Replaces the cached metadata object (used to drop oauth4webapi's JWKS cache on rotation). */
  protected replaceMetadata(as: oauth.AuthorizationServer): void {
    this.#metadata = Promise.resolve(as);
  }

  /**
   * The DPoP key and handle for a token request: the given key (a refresh of bound tokens), a
   * new key when this client binds tokens, else none.
   */
  async #dpopFor(
    as: oauth.AuthorizationServer,
    key: DPoPKey | null,
  ): Promise<{ key: DPoPKey; handle: oauth.DPoPHandle } | null> {
    if (key === null && !this.#bindTokens) return null;
    const fresh = key === null ? await generateDPoPKey() : null;
    const used = key ?? fresh!.key;
    return { key: used, handle: await this.#dpop.get(this.clientFor(as), used, fresh?.pair) };
  }

  /** The oauth4webapi client metadata for a call; OIDC adds the expected ID token alg. */
  protected clientFor(_as: oauth.AuthorizationServer): oauth.Client {
    return this.#client;
  }

  /** Request options for a call to `endpoint` (fetch, timeout, loopback-only http). */
  protected options(endpoint: string | URL | undefined): RequestOptions {
    return requestOptions(this.#fetch, this.#timeout, endpoint);
  }

  /**
   * Creates the authorization URL with a fresh state (256 bits), PKCE S256 unless turned off,
   * and a nonce when asked — pushed to the provider first (PAR) when configured or required.
   * @throws TypeError when `params` tries to set a parameter latchkey owns
   * @throws OAuthRequestError when the provider refuses a pushed request
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
   */
  async createAuthorizationURL(
    options: CreateAuthorizationURLOptions & { scopes: readonly string[]; nonce?: boolean },
  ): Promise<AuthorizationRequest> {
    const redirectURI = URL.parse(options.redirectURI);
    if (redirectURI === null) throw new TypeError('latchkey: "redirectURI" must be a URL');
    const as = await this.metadata();
    if (this.fapi) checkFAPIMetadata(as);
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(options.params ?? {})) {
      if (RESERVED.has(key)) throw new TypeError(`latchkey: "params.${key}" is set by latchkey`);
      params.set(key, value);
    }
    const state = oauth.generateRandomState();
    params.set('response_type', 'code');
    params.set('client_id', this.clientId);
    params.set('redirect_uri', redirectURI.href);
    if (options.scopes.length > 0) params.set('scope', options.scopes.join(' '));
    params.set('state', state);
    let codeVerifier: string | null = null;
    if (this.pkce) {
      codeVerifier = oauth.generateRandomCodeVerifier();
      params.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
      params.set('code_challenge_method', 'S256');
    }
    const nonce = options.nonce ? oauth.generateRandomNonce() : null;
    if (nonce !== null) params.set('nonce', nonce);
    const url = await authorizationURL(as, params, {
      pushed: this.#pushed,
      signed: this.#signed,
      signingKey: this.#signingKey,
      client: this.clientFor(as),
      auth: this.#auth,
      options: (endpoint) => this.options(endpoint),
    });
    return { url, state, codeVerifier, nonce };
  }

  /**
   * Validates the callback (repeated parameters, state, iss, error) before any request, then
   * exchanges the code and validates the token response.
   * @throws OAuthCallbackError when the callback is not ours; nothing was fetched
   * @throws OAuthRequestError when the provider reported an error (`access_denied`, `invalid_grant`)
   * @throws OAuthResponseError when the response (or its ID token) is invalid
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
   * @see https://www.rfc-editor.org/rfc/rfc9207#section-2.4
   */
  async validateAuthorizationCode(
    options: ValidateAuthorizationCodeOptions & { openid?: boolean },
  ): Promise<OAuthTokens> {
    if (!(options?.callbackURL instanceof URL)) {
      throw new TypeError('latchkey: "callbackURL" must be a URL');
    }
    const params = checkCallbackState(options.callbackURL, options.expectedState);
    const as = await this.metadata();
    const iss = params.get('iss');
    if (iss !== null && iss !== as.issuer) throw new OAuthCallbackError('iss_mismatch');
    if (iss === null && (as.authorization_response_iss_parameter_supported === true || this.fapi)) {
      throw new OAuthCallbackError('iss_missing');
    }
    if (params.has('error')) {
      throw new OAuthRequestError(params.get('error'), params.get('error_description'), null);
    }
    if (!params.get('code')) throw new OAuthCallbackError('missing_code');
    if (this.pkce && !options.codeVerifier) throw new OAuthCallbackError('missing_code_verifier');
    if (options.openid && !options.nonce) throw new OAuthCallbackError('missing_nonce');
    const client = this.clientFor(as);
    try {
      const callback = oauth.validateAuthResponse(as, client, params, options.expectedState);
      const dpop = await this.#dpopFor(as, null);
      const { response, result } = await withNonceRetry(async () => {
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          this.#auth,
          callback,
          options.redirectURI,
          this.pkce ? options.codeVerifier! : oauth.nopkce,
          { ...this.options(as.token_endpoint), DPoP: dpop?.handle },
        );
        const result = await oauth.processAuthorizationCodeResponse(
          as,
          client,
          response,
          options.openid ? { expectedNonce: options.nonce!, requireIdToken: true } : undefined,
        );
        return { response, result };
      });
      const claims = await this.validateIdToken(as, response, result);
      const fields = result as TokenResponseFields;
      const date = response.headers.get('date');
      const tokens = tokensFromResponse(fields, date, this.#now(), claims, options.scopes ?? null);
      return bindTokens(tokens, dpop?.key ?? null);
    } catch (error) {
      throw toOAuthError(error, 'code exchange');
    }
  }

  /**
   * Checks the ID token of a processed token response beyond oauth4webapi's claim checks. The
   * plain OAuth 2.0 client ignores ID tokens; the OIDC client verifies them.
   */
  protected async validateIdToken(
    _as: oauth.AuthorizationServer,
    _response: Response,
    _result: oauth.TokenEndpointResponse,
  ): Promise<Record<string, unknown> | null> {
    return null;
  }

  /**
   * Refreshes an access token. A rotated refresh token is in the result; persist it before use.
   * @throws OAuthRequestError when the provider refuses (`invalid_grant`)
   * @throws OAuthResponseError on an invalid response
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
   */
  async refreshAccessToken(refreshToken: string, options?: RefreshOptions): Promise<OAuthTokens> {
    if (typeof refreshToken !== 'string' || refreshToken.length === 0) {
      throw new TypeError('latchkey: "refreshToken" must be a non-empty string');
    }
    const parameters = { refresh_token: refreshToken };
    return this.grant('refresh_token', parameters, 'refresh', options?.dpopKey ?? null);
  }

  /**
   * Sends any grant to the token endpoint (the device code grant, or a code exchange where no
   * callback URL exists) and validates the answer like every token response (ID token included).
   * @throws OAuthRequestError when the provider refuses; OAuthResponseError on an invalid answer
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
   */
  async grant(
    grantType: string,
    parameters: Record<string, string>,
    step = 'token request',
    dpopKey: DPoPKey | null = null,
  ): Promise<OAuthTokens> {
    const as = await this.metadata();
    const client = this.clientFor(as);
    try {
      const dpop = await this.#dpopFor(as, dpopKey);
      const { response, result } = await withNonceRetry(async () => {
        const response = await oauth.genericTokenEndpointRequest(
          as,
          client,
          this.#auth,
          grantType,
          parameters,
          { ...this.options(as.token_endpoint), DPoP: dpop?.handle },
        );
        return {
          response,
          result: await oauth.processGenericTokenEndpointResponse(as, client, response),
        };
      });
      const date = response.headers.get('date');
      const claims = await this.validateIdToken(as, response, result);
      const tokens = tokensFromResponse(result as TokenResponseFields, date, this.#now(), claims);
      return bindTokens(tokens, dpop?.key ?? null);
    } catch (error) {
      throw toOAuthError(error, step);
    }
  }

  /**
   * Revokes a token at the provider's revocation endpoint.
   * @throws LatchkeyError `config` when the provider has no revocation endpoint
   * @see https://www.rfc-editor.org/rfc/rfc7009
   */
  async revokeToken(token: string): Promise<void> {
    const as = await this.metadata();
    if (!as.revocation_endpoint) {
      throw new LatchkeyError('config', 'This provider has no revocation endpoint');
    }
    try {
      const response = await oauth.revocationRequest(
        as,
        this.clientFor(as),
        this.#auth,
        token,
        this.options(as.revocation_endpoint),
      );
      await oauth.processRevocationResponse(response);
    } catch (error) {
      throw toOAuthError(error, 'revocation');
    }
  }

  /**
   * Fetches the userinfo endpoint; with `expectedSubject` its `sub` must equal it. Given tokens
   * (not a bare access token), a DPoP-bound token is presented with a proof.
   * @throws OAuthResponseError on a subject mismatch or invalid response
   * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfoResponse
   */
  async userInfo(
    accessToken: string | Pick<OAuthTokens, 'accessToken' | 'tokenType' | 'dpopKey'>,
    expectedSubject: string | null,
  ): Promise<oauth.UserInfoResponse> {
    const token =
      typeof accessToken === 'string' ? { accessToken, tokenType: 'bearer' } : accessToken;
    const key = presentationKey(token);
    const as = await this.metadata();
    const client = this.clientFor(as);
    try {
      const DPoP = key ? await this.#dpop.get(client, key) : undefined;
      const subject = expectedSubject ?? oauth.skipSubjectCheck;
      return await withNonceRetry(async () => {
        const response = await oauth.userInfoRequest(as, client, token.accessToken, {
          ...this.options(as.userinfo_endpoint),
          DPoP,
        });
        return oauth.processUserInfoResponse(as, client, subject, response);
      });
    } catch (error) {
      throw toOAuthError(error, 'userinfo');
    }
  }

  /**
   * `fetch` with this client's fetch function and timeout, for provider APIs (https, or http to
   * loopback only).
   * @throws OAuthResponseError on a network failure or timeout
   */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    checkEndpoint('url', String(url));
    try {
      return await this.#fetch(String(url), {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeout),
      });
    } catch (error) {
      throw toOAuthError(error, 'provider API request');
    }
  }

  /**
   * Sends a request to a protected resource with the tokens: a DPoP proof (and `Authorization:
   * DPoP`) for DPoP-bound tokens — retried once on `use_dpop_nonce` — else a bearer token.
   * @throws LatchkeyError `config` for a DPoP-bound token without its key (never sent as bearer)
   * @throws OAuthResponseError on a network failure or timeout
   * @see https://www.rfc-editor.org/rfc/rfc9449#section-7
   */
  async resourceRequest(
    tokens: Pick<OAuthTokens, 'accessToken' | 'tokenType' | 'dpopKey'>,
    url: string | URL,
    init: { method?: string; headers?: HeadersInit; body?: string | Uint8Array | null } = {},
  ): Promise<Response> {
    const key = presentationKey(tokens);
    const target = checkEndpoint('url', String(url));
    const as = await this.metadata();
    try {
      const DPoP = key ? await this.#dpop.get(this.clientFor(as), key) : undefined;
      return await withNonceRetry(() =>
        oauth.protectedResourceRequest(
          tokens.accessToken,
          init.method ?? 'GET',
          target,
          new Headers(init.headers),
          init.body ?? null,
          { ...this.options(target), DPoP },
        ),
      );
    } catch (error) {
      throw toOAuthError(error, 'provider API request');
    }
  }

  /**
   * GETs a JSON resource with the access token as a bearer token.
   * @throws OAuthRequestError on a non-2xx answer; OAuthResponseError on a non-JSON body
   */
  async fetchJSON(url: string | URL, accessToken: string, headers?: HeadersInit): Promise<unknown> {
    const h = new Headers(headers);
    h.set('authorization', `Bearer ${accessToken}`);
    if (!h.has('accept')) h.set('accept', 'application/json');
    const response = await this.fetch(url, { headers: h });
    return readJSON(response);
  }
}
