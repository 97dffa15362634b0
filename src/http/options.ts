// The handler's options and the per-request context every route receives.
import type { Latchkey } from '../core/latchkey.ts';
import type { AccountKey, Session, User } from '../core/types.ts';
import type { OAuthProvider, OAuthTokens, ProviderProfile } from '../oauth/provider.ts';
import type { EmailLinkingOptions } from './email-linking.ts';
import type { AuthLogger } from './error-policy.ts';
import type { ProviderLogoutOptions, ProviderLogoutSettings } from './logout/settings.ts';
import type { NativeHandlerOptions } from './native/extension.ts';
import type { RateLimitOptions, RateLimiter } from './rate-limit.ts';
import type { Sealer, SealSecret } from './seal.ts';
import type { ExtensionRoute, SignInExtension } from './sign-in-extension.ts';

/** App callbacks around sign-in. Each may be async; an exception becomes a 500. */
export interface AuthHooks<UA extends object, SA extends object> {
  /** Whether a person who has no account yet may sign up. Default: everyone. */
  allowSignIn?(profile: ProviderProfile, provider: OAuthProvider): boolean | Promise<boolean>;
  /** The new user's attributes. Default `{ username, name, email, avatarURL }` from the profile. */
  mapProfile?(profile: ProviderProfile, provider: OAuthProvider): UA | Promise<UA>;
  /**
   * Attributes for a new session. `request` is the browser's callback request; `client` says who
   * receives the session: this `browser` (cookie), a `native` app (loopback or token-in-redirect)
   * or a `device` (device code). Default `{ userAgent, provider }`, plus `client` for
   * native and device sessions.
   */
  sessionAttributes?(
    request: Request,
    provider: OAuthProvider,
    client: SessionClient,
  ): SA | Promise<SA>;
  /** After a successful sign-in (the tokens are here for the app to keep, if it wants them). */
  onSignIn?(event: {
    user: User<UA>;
    /** `null` for a device approval: the device's session is made when it next polls. */
    session: Session<SA> | null;
    client: SessionClient;
    provider: OAuthProvider;
    profile: ProviderProfile;
    tokens: OAuthTokens;
    isNewUser: boolean;
  }): void | Promise<void>;
  /** After a sign-out; `all` when the user signed out everywhere. */
  onSignOut?(event: { user: User<UA>; session: Session<SA>; all: boolean }): void | Promise<void>;
}

/** Who receives the session a sign-in creates. */
export type SessionClient = 'browser' | 'native' | 'device';

/**
 * Where the routes keep provider tokens: `createTokenVault(...)` from `latchkey/tokens` fits.
 * Structural, so the routes do not load the vault unless the app passes one.
 */
export interface ProviderTokenStore {
  saveTokens(account: AccountKey, tokens: OAuthTokens): Promise<boolean>;
  revokeTokens(account: AccountKey): Promise<boolean>;
  /** The stored set as is; with it, a link asks for the granted scopes plus the new ones. */
  getTokens?(account: AccountKey): Promise<{ scopes: readonly string[] } | null>;
}

/** Options of {@link createAuthHandler}. */
export interface AuthHandlerOptions<UA extends object, SA extends object> {
  providers: readonly OAuthProvider[];
  /** Key material for the sealed flow cookie: at least 32 bytes, kept secret, stable across restarts. */
  secret: SealSecret;
  /** Path prefix of every route. Default `/auth`. */
  basePath?: string;
  /** Where a sign-in lands without a valid `success_url`. Default `/`. */
  successURL?: string;
  /** Where a failed sign-in lands, with `?error=<code>`. Default: the built-in `{base}/error` page. */
  errorURL?: string;
  /** Where a form sign-out lands. Default `/`. */
  signOutURL?: string;
  /** Extra origins `success_url` and `Origin` may name (`https://app.example.com`). */
  allowedOrigins?: readonly string[];
  /** The app's public origin, when requests arrive under an internal URL. Default: the request's. */
  origin?: string;
  /**
   * Trust `X-Forwarded-For` (its last entry) for the client address and `X-Forwarded-Proto` /
   * `X-Forwarded-Host` for the origin. Only behind a proxy that sets them. Default false.
   */
  trustProxy?: boolean;
  /** The client's address for rate limiting (adapters pass the socket address instead). */
  getClientAddress?(request: Request): string | null;
  /** Fixed-window limits per client address, or `false` to turn limiting off. */
  rateLimit?: RateLimitOptions | false;
  /** Native (desktop and CLI) sign-in; off when absent. */
  native?: NativeHandlerOptions;
  /**
   * Keep every sign-in's and link's provider tokens (sealed, refreshed on demand) and revoke them
   * at the provider when the account is unlinked. Off when absent.
   */
  tokenVault?: ProviderTokenStore;
  /** With `tokenVault`: also revoke all of the user's provider tokens on "sign out everywhere". */
  revokeTokensOnSignOutEverywhere?: boolean;
  /** Sign-out at OpenID Connect providers, both ways (docs/enterprise-oidc.md). Off when absent. */
  providerLogout?: ProviderLogoutOptions;
  /**
   * Link a first sign-in to the existing user with the same email address — only a verified email
   * from a trusted provider (docs/providers/README.md). Off when absent: every new provider
   * account is a new user until the person links it while signed in.
   */
  linkByEmail?: EmailLinkingOptions;
  /**
   * Providers connected only for their API (`['dropbox']`): reached through `POST
   * {base}/{provider}/link` by a signed-in user, never a way to sign in. Default none.
   */
  connectOnly?: readonly string[];
  hooks?: AuthHooks<UA, SA>;
  logger?: AuthLogger;
}

/**
 * Per-request facts the adapters know and a plain `Request` does not (named apart from the
 * fetch API's global `RequestInfo`, a `Request` or URL string, which it is not).
 */
export interface RequestDetails {
  /** The socket's remote address. */
  clientAddress?: string | null;
  /**
   * The request target exactly as the client sent it (`req.url` on Node: `/auth/x/../y?q`).
   * A `Request`'s URL has been through the URL parser, which resolves `..` and `%2e%2e`
   * segments; given the raw target, the routes match on it instead, so a dot segment is a 404.
   */
  target?: string;
}

/** Options after validation, shared by all routes. */
export interface ResolvedOptions<UA extends object, SA extends object> {
  auth: Latchkey<UA, SA>;
  providers: Map<string, OAuthProvider>;
  basePath: string;
  sealer: Sealer;
  successURL: string;
  errorURL: string | null;
  signOutURL: string;
  allowedOrigins: string[];
  origin: string | null;
  trustProxy: boolean;
  getClientAddress: ((request: Request) => string | null) | null;
  limiter: RateLimiter | null;
  /** Native sign-in, when on: it may take a start over (see {@link SignInExtension}). */
  extension: SignInExtension | null;
  /** The extension's routes by path (`token`, `device/code`): the one native route table. */
  extensionRoutes: ReadonlyMap<string, ExtensionRoute>;
  tokenVault: ProviderTokenStore | null;
  revokeTokensOnSignOutEverywhere: boolean;
  providerLogout: ProviderLogoutSettings | null;
  linkByEmail: EmailLinkingOptions | null;
  connectOnly: ReadonlySet<string>;
  hooks: AuthHooks<UA, SA>;
  logger: AuthLogger;
}

/** One request as the routes see it. */
export interface RequestContext {
  request: Request;
  url: URL;
  /** The app's origin for this request (`https://app.example.com`). */
  origin: string;
  /** Whether cookies must be `Secure` + `__Host-` (everything but insecure localhost). */
  secure: boolean;
  clientAddress: string;
}
