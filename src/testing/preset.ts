// What a provider preset is: plain data plus a few small functions describing how one provider's
// OAuth 2.0 / OpenID Connect endpoints behave, read by the one configurable provider double.

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

/** Paths the double serves, each after an optional mount prefix (a tenant, an instance root). */
export interface PresetPaths {
  authorize: string;
  token: string;
  userinfo?: string;
  revoke?: string;
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
  /** The revocation endpoint also takes requests without any client credentials (Google). */
  revocationWithoutClient?: boolean;
  /** Whether the authorization response carries RFC 9207 `iss`. */
  callbackIss?: boolean;
  /** Response modes accepted besides `query`. */
  responseModes?: ('query' | 'form_post')[];
  /** OIDC: serve discovery and JWKS, sign ID tokens when `openid` is granted. */
  openid?: boolean;
  /** The userinfo / profile JSON for a user and the granted scopes (also the ID token claims). */
  user: (user: TestUser, scopes: readonly string[]) => Record<string, unknown>;
  /**
   * Extra bearer-protected `GET` endpoints by path (GitHub's `/user/emails`, a Graph API...): the
   * answer each gives for the token's user and scopes.
   */
  resources?: Record<string, (user: TestUser, scopes: readonly string[]) => PresetAnswer>;
  /** Extra fields of a successful token answer (Strava's athlete, Notion's owner...). */
  tokenExtras?: (user: TestUser, scopes: readonly string[]) => Record<string, unknown>;
  /** Discovery fields added or removed (`undefined` removes). */
  metadata?: Record<string, unknown>;
  /** Discovery fields published under another name, `{standard: theirs}` (Yahoo's `token_revocation_endpoint`). */
  metadataNames?: Record<string, string>;
  /** OIDC: the algorithm ID tokens are signed with. Default `RS256`. */
  idTokenSigningAlg?: 'RS256' | 'ES256';
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
