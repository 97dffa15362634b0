// What a provider preset is: plain data plus a few small functions describing how one provider's
// OAuth 2.0 / OpenID Connect endpoints behave, read by the one configurable provider double.
import type { DoubleClientOptions } from './provider-double-state.ts';

/** How a client proves who it is at the token and revocation endpoints (RFC 6749 §2.3, RFC 7523). */
export type ClientAuthMethod =
  'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';

/** The failures a token endpoint answers, each mapped to an RFC 6749 §5.2 `error` by the double. */
export type TokenFailure =
  | 'bad_client'
  | 'bad_code'
  | 'bad_verifier'
  | 'bad_redirect_uri'
  | 'bad_refresh_token'
  | 'refresh_token_reused'
  | 'unsupported_grant_type'
  | 'bad_request';

/** A person who signs in at the double. The preset turns it into the provider's own JSON. */
export interface TestUser {
  /** The provider's user id (`sub`); always a string here, whatever the provider sends. */
  id: string;
  email?: string | null;
  emailVerified?: boolean;
  name?: string | null;
  username?: string | null;
  avatarURL?: string | null;
  /** Provider-specific fields merged last over the preset's shape (may replace any field). */
  claims?: Record<string, unknown>;
}

/** One documented provider behaviour the preset reproduces. */
export interface PresetQuirk {
  /** One line: what the provider does and why it matters to a client. */
  why: string;
  /** Where the provider documents it (or where its silence was noted). */
  source: string;
}

/** An HTTP answer a preset shapes (token errors, userinfo with a dead token). */
export interface PresetAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A request as a preset's {@link ProviderPreset.screen} sees it. */
export interface PresetRequest {
  /** The endpoint it is for: a key of the preset's paths, or `resource` for an extra resource. */
  endpoint: string;
  method: string;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The form parameters of a token or revocation request; `null` for the other endpoints. */
  params: ReadonlyMap<string, string> | null;
}

/** A request to one of a preset's own endpoints ({@link ProviderPreset.routes}, `grants`). */
export interface PresetRouteRequest {
  method: string;
  /** Query and body parameters (a body value wins). */
  params: Map<string, string>;
  /** The `Authorization` header, or `null`. */
  authorization: string | null;
}

/** What a preset's own endpoints may read and change in the double. */
export interface PresetTools {
  /** The live grant of an access token, or `null` (unknown, revoked or expired). */
  grantOf(accessToken: string): { user: TestUser; scopes: string[]; clientId: string } | null;
  /** Ends the grant of an access or refresh token (of this client only, or any with `null`). */
  revoke(token: string, clientId: string | null): void;
  /** A registered client's secret: `null` for a public client, `undefined` when unknown. */
  clientSecret(clientId: string): string | null | undefined;
}

/** Paths the double serves, each after an optional mount prefix (a tenant, an instance root). */
export interface PresetPaths {
  authorize: string;
  token: string;
  userinfo?: string;
  revoke?: string;
  /** A separate endpoint for the `refresh_token` grant (Figma's `/v1/oauth/refresh`). */
  refresh?: string;
  /** OIDC only: `/.well-known/openid-configuration` (or the provider's own spelling). */
  discovery?: string;
  /** OIDC only: the JWKS with the key that signs ID tokens. */
  jwks?: string;
}

/** A provider's behaviour, as the configurable double reproduces it. */
export interface ProviderPreset {
  /** Matches the provider's id in `latchkey/providers` where there is one. */
  id: string;
  /** Shown on the double's sign-in page. */
  name: string;
  paths: PresetPaths;
  /**
   * Path prefixes the double answers under (tenants, relative URL roots). Default: only the root.
   * The prefix is handed to {@link ProviderPreset.issuer}.
   */
  mount?: RegExp;
  /** The issuer for a mount prefix; `null` answers 404. Default `origin + prefix`. */
  issuer?: (origin: string, prefix: string) => string | null;
  /** The ID token `iss` when it differs from the discovery issuer (Entra: the user's tenant). */
  idTokenIssuer?: (issuer: string, claims: Record<string, unknown>, origin: string) => string;
  /** Client authentication methods the token and revocation endpoints accept. */
  clientAuth: ClientAuthMethod[];
  /** PKCE: `required`, `optional` (checked when sent) or `ignored` (the provider does not check). */
  pkce: 'required' | 'optional' | 'ignored';
  /** Code challenge methods accepted. Default `['S256']`. */
  pkceMethods?: ('S256' | 'plain')[];
  /** How an S256 challenge encodes the SHA-256 digest: RFC 7636 `base64url` (default), or `hex` (TikTok). */
  pkceChallengeEncoding?: 'base64url' | 'hex';
  /** The parameter naming the client at authorize, token and revoke. Default `client_id` (TikTok: `client_key`). */
  clientIdParam?: string;
  /** The parameter carrying the token to revoke. Default RFC 7009 `token` (Strava: `access_token`). */
  revocationParam?: string;
  /** How granted scopes are joined in answers (and split in requests). */
  scopeSeparator: ' ' | ',';
  /** Scopes granted when the request names none. Default none. */
  defaultScopes?: string[];
  /** `json`; `form` (urlencoded); `accept` (JSON only when `Accept` asks, form otherwise). */
  tokenResponse: 'json' | 'form' | 'accept';
  /** `token_type` in token answers. Default `Bearer`. */
  tokenType?: string;
  /** Access token lifetime in seconds, or `null` for tokens that never expire. Default 3600. */
  accessTokenLifetime?: number | null;
  /** Shapes a token endpoint error. Default RFC 6749 §5.2: 400 (401 for `invalid_client`) JSON. */
  tokenError?: (error: string, description: string, failure: TokenFailure) => PresetAnswer;
  /** The provider's own `error_description` per failure; default a short generic text. */
  errorDescriptions?: Partial<Record<TokenFailure, string>>;
  /** The userinfo answer for a missing or dead token. Default 401 `{error: "invalid_token"}`. */
  unauthorized?: PresetAnswer;
  /** Refresh tokens: when issued, whether a refresh rotates them, whether reuse kills the family. */
  refresh: {
    issue: 'always' | 'never' | ((authorize: URLSearchParams, scopes: string[]) => boolean);
    rotate: boolean;
    /** A rotated-away refresh token presented again revokes every token of the grant. */
    reuseDetection?: boolean;
    /** A refresh ends the access tokens issued before it (GitLab, GitHub). */
    retiresAccessTokens?: boolean;
    /** OIDC: a new ID token in refresh answers. */
    idToken?: boolean;
  };
  /**
   * Checks a `client_secret` the client makes itself (Apple: an ES256 JWT signed with the app's
   * key) instead of comparing it with the registered secret. `audiences`: what its `aud` may name.
   */
  clientSecret?: (
    secret: string,
    client: DoubleClientOptions,
    check: { now: number; audiences: string[] },
  ) => Promise<boolean>;
  /**
   * Extra fields of a successful authorization response; `first` on the first consent of a user
   * to a client since it last revoked (Apple's `user` JSON).
   */
  authorizationExtras?: (
    user: TestUser,
    scopes: readonly string[],
    first: boolean,
  ) => Record<string, string>;
  /**
   * How `paths.revoke` works: `rfc7009` (default: client credentials and a `token` parameter) or
   * `bearer` (Dropbox: the access token to revoke is the request's bearer token; it ends the grant).
   */
  revocation?: 'rfc7009' | 'bearer';
  /**
   * The revocation endpoint also takes requests without any client credentials (Google); with
   * `client_id`, requests naming a registered `client_id` without its secret (Twitch).
   */
  revocationWithoutClient?: boolean | 'client_id';
  /** Whether the authorization response carries RFC 9207 `iss`. */
  callbackIss?: boolean;
  /** Response modes accepted besides `query`. */
  responseModes?: ('query' | 'form_post')[];
  /** OIDC: serve discovery and JWKS, sign ID tokens when `openid` is granted. */
  openid?: boolean;
  /**
   * The userinfo / profile JSON for a user and the granted scopes (also the ID token claims);
   * `authorize` holds the authorization request's parameters (Twitch's `claims`).
   */
  user: (
    user: TestUser,
    scopes: readonly string[],
    authorize?: ReadonlyMap<string, string>,
  ) => Record<string, unknown>;
  /**
   * Extra bearer-protected `GET` endpoints by path (GitHub's `/user/emails`, a Graph API...): the
   * answer each gives for the token's user and scopes.
   */
  resources?: Record<string, (user: TestUser, scopes: readonly string[]) => PresetAnswer>;
  /**
   * Endpoints of the provider's own shape, by path: a revocation taking `access_token`, a user
   * info `POST`, a logout. Any method; the preset authenticates what it needs.
   */
  routes?: Record<string, (request: PresetRouteRequest, tools: PresetTools) => PresetAnswer>;
  /** Extra grant types at the token endpoint, after client authentication (Naver's `delete`). */
  grants?: Record<
    string,
    (request: PresetRouteRequest, tools: PresetTools, clientId: string) => PresetAnswer
  >;
  /** Extra parameters of the authorization response (VK ID's `device_id`), kept on the grant. */
  callbackParams?: (user: TestUser) => Record<string, string>;
  /**
   * A token request's problem beyond the RFC checks (a missing provider parameter), or `null`;
   * `issued` holds the grant's {@link ProviderPreset.callbackParams}. Answered as `bad_request`.
   */
  checkTokenRequest?: (
    params: Map<string, string>,
    issued: Record<string, string>,
  ) => string | null;
  /** The `Authorization` scheme userinfo and resources take. Default `Bearer` (or `token`). */
  resourceAuthScheme?: string;
  /**
   * How ID tokens are signed: `RS256` (default) or `ES256` (Yahoo) with the double's key (in its
   * JWKS), or `HS256` with the client's secret (LINE web login).
   */
  idTokenAlg?: 'RS256' | 'ES256' | 'HS256';
  /** Extra fields of a successful token answer (Strava's athlete, Notion's owner...). */
  tokenExtras?: (user: TestUser, scopes: readonly string[]) => Record<string, unknown>;
  /** Discovery fields added or removed (`undefined` removes). */
  metadata?: Record<string, unknown>;
  /**
   * Refuses a request before its endpoint handles it (Reddit blocks generic User-Agents, LinkedIn
   * refuses a `code_verifier`): the answer to send, or `null` to let it through.
   */
  screen?: (request: PresetRequest) => PresetAnswer | null;
  /** Discovery fields published under another name, `{standard: theirs}` (Yahoo's `token_revocation_endpoint`). */
  metadataNames?: Record<string, string>;
  quirks: PresetQuirk[];
}

/** The standard OIDC claims of a test user (no `undefined` values: absent stays absent). */
export function standardClaims(user: TestUser): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.id };
  if (user.name != null) claims.name = user.name;
  if (user.username != null) claims.preferred_username = user.username;
  if (user.email != null) {
    claims.email = user.email;
    claims.email_verified = user.emailVerified ?? false;
  }
  if (user.avatarURL != null) claims.picture = user.avatarURL;
  return { ...claims, ...user.claims };
}
