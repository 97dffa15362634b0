// The contract between the flow engine / routes and each provider. A provider is data plus
// small functions over the generic OAuth 2.0 / OIDC client (oauth4webapi underneath).
import type { ClientPrivateKey } from './client-auth.ts';
import type { DPoPKey } from './dpop.ts';
import type { ProviderLogout } from './logout-token.ts';

/** Tokens from a token endpoint response. */
export interface OAuthTokens {
  accessToken: string;
  tokenType: string;
  refreshToken: string | null;
  /** Computed from `expires_in` against the response's `Date` header where present. */
  accessTokenExpiresAt: Date | null;
  /** From `refresh_token_expires_in` (GitHub Apps) where present. */
  refreshTokenExpiresAt: Date | null;
  /**
   * Granted scopes (GitHub's comma-separated list is split too). When the response leaves
   * `scope` out — RFC 6749 §5.1 allows it when the grant equals the request — these are the
   * scopes requested (the code exchange's `scopes` option), or `[]` where latchkey does not know
   * them (a bare refresh: the token vault then keeps the refreshed set's scopes).
   */
  scopes: string[];
  /**
   * Whether the provider listed the granted scopes. `true`: `scopes` is what the token response
   * said, so an empty list means it granted none. `false`: the response said nothing about
   * scopes, and `scopes` is what RFC 6749 says applies (the requested or the previous ones).
   */
  scopesReported: boolean;
  idToken: string | null;
  /** Validated ID token claims (OIDC), or `null`. */
  idTokenClaims: Record<string, unknown> | null;
  /**
   * The token answer's fields beyond OAuth 2.0's own (Salesforce's `instance_url`, Notion's
   * `owner` and `workspace_id`...), as the provider sent them; never a token. Not kept by the
   * token vault: read them after the code exchange or refresh that returned them.
   */
  extra?: Readonly<Record<string, unknown>>;
  /**
   * For DPoP-bound tokens (`tokenType` `dpop`, RFC 9449): the private JWK of the key pair they
   * are bound to. Every request with them needs a proof signed with it; keep it as secret as the
   * tokens (the token vault seals it with them). Absent for bearer tokens.
   */
  dpopKey?: DPoPKey | null;
}

/** The provider's user, normalised. `providerUserId` is always a string (GitHub's numeric id too). */
export interface ProviderProfile {
  providerUserId: string;
  /** A verified email only; `null` when the provider has none verified. */
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  username: string | null;
  avatarURL: string | null;
}

/** What `createAuthorizationURL` returns: the URL and the values the caller must keep. */
export interface AuthorizationRequest {
  url: URL;
  state: string;
  /** PKCE verifier (never put it in a URL or a script-readable cookie); `null` with PKCE off. */
  codeVerifier: string | null;
  /** OIDC nonce, or `null`. */
  nonce: string | null;
}

export interface CreateAuthorizationURLOptions {
  redirectURI: string;
  /** Scopes to request; the provider's defaults when absent. */
  scopes?: readonly string[];
  /** Extra authorization parameters (`prompt`, `login_hint`, ...). */
  params?: Readonly<Record<string, string>>;
}

export interface ValidateAuthorizationCodeOptions {
  /** The full callback URL as received (code, state, iss, error...). */
  callbackURL: URL;
  /** The state created with the authorization URL. */
  expectedState: string;
  redirectURI: string;
  codeVerifier: string | null;
  nonce: string | null;
  /**
   * The scopes requested with this flow's authorization URL: the granted scopes when the token
   * response leaves `scope` out (RFC 6749 §5.1). Without it such a response yields `scopes: []`
   * with `scopesReported: false`.
   */
  scopes?: readonly string[];
}

/**
 * Configuration every provider takes, declared once; a provider adds only its own fields (a
 * tenant, an Enterprise URL, a hosted domain...). Every provider factory throws a `TypeError`
 * naming the option on a bad configuration: a missing `clientId` (or a secret the provider
 * requires), an endpoint or override URL that is not https (http only for loopback), and the
 * provider's own checks its `@throws` lists.
 */
export interface ProviderConfig {
  clientId: string;
  /** Absent for public clients (PKCE only), where the provider allows them. */
  clientSecret?: string | null;
  /**
   * The client's private key (JWK or PKCS#8 PEM) for `private_key_jwt` client authentication
   * (RFC 7523) and signed request objects; see docs/enterprise-oidc.md.
   */
  clientPrivateKey?: ClientPrivateKey;
  /** Scopes to request by default; each provider documents its own default. */
  scopes?: readonly string[];
  /** Scopes a `?scope=` override may ask for. Default: `scopes`. */
  allowedScopes?: readonly string[];
  /** PKCE S256 (RFC 7636). Default `true`; turn off only for a provider that rejects it. */
  pkce?: boolean;
  /**
   * Pushed Authorization Requests (RFC 9126): the authorization parameters are POSTed to the
   * provider first and the browser carries only `client_id` and a one-time `request_uri`.
   * Default: on exactly when the provider's metadata sets `require_pushed_authorization_requests`.
   */
  pushedAuthorizationRequests?: boolean;
  /**
   * Signed request objects (JAR, RFC 9101): the authorization parameters travel as one JWT signed
   * with `clientPrivateKey`. Default: on exactly when the provider's metadata sets
   * `require_signed_request_object`.
   */
  requestObjects?: boolean;
  /**
   * DPoP (RFC 9449): bind the provider's tokens to a key pair made for each sign-in; the token,
   * refresh, userinfo and API requests then carry proofs, and a provider answering with an
   * unbound token is refused. Default `false`.
   */
  dpop?: boolean;
  /**
   * The FAPI 2.0 Security Profile: turns on PAR, PKCE, DPoP and `private_key_jwt`, requires the
   * `iss` callback parameter and PS256/ES256/EdDSA keys and ID tokens; a configuration or a
   * provider that cannot keep to it is refused. See docs/enterprise-oidc.md.
   */
  fapi?: '2.0';
  /** The `fetch` used for every request to the provider (tests, proxies, edge runtimes). */
  fetch?: typeof fetch;
  /** Per-request timeout in milliseconds. Default 10 000. */
  timeout?: number;
}

/**
 * One identity provider. `Id` is the literal provider id where known (`'github'`), so the
 * `githubUser` field of the Lucia v2 style `validateCallback` result can be typed.
 */
export interface OAuthProvider<ProviderUser = unknown, Id extends string = string> {
  /** The provider id used in routes and account keys (`github`, `google`, ...). */
  readonly id: Id;
  /** Issuer identifier stored in the account key (`https://github.com/login/oauth`, ...). */
  readonly issuer: string;
  /** Human name for buttons ("GitHub"). */
  readonly name: string;
  readonly defaultScopes: readonly string[];
  /** Scopes a `?scope=` override may ask for. */
  readonly allowedScopes: readonly string[];
  readonly pkce: boolean;
  createAuthorizationURL(options: CreateAuthorizationURLOptions): Promise<AuthorizationRequest>;
  /** Checks state, iss and error responses, exchanges the code, validates the ID token. */
  validateAuthorizationCode(options: ValidateAuthorizationCodeOptions): Promise<OAuthTokens>;
  getUser(tokens: OAuthTokens): Promise<{ profile: ProviderProfile; user: ProviderUser }>;
  /** `options.dpopKey`: the key DPoP-bound tokens are bound to (the vault passes it). */
  refreshAccessToken(
    refreshToken: string,
    options?: { dpopKey?: DPoPKey | null },
  ): Promise<OAuthTokens>;
  /**
   * RFC 7009 revocation, or the provider's own API; a provider with neither (its docs say so)
   * throws `LatchkeyError` `config`.
   */
  revokeToken(token: string): Promise<void>;
  /** Sign-out at the provider (OpenID Connect providers only; docs/enterprise-oidc.md). */
  readonly logout?: ProviderLogout;
  /**
   * The provider may answer with `response_mode=form_post` (Apple): the callback route then also
   * takes a form POST, for a flow whose authorization URL asked for it. Default: GET only.
   */
  readonly formPostCallback?: boolean;
}
