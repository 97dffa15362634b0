// The handler's options and the per-request context every route receives.
import type { Latchkey } from '../core/latchkey.ts';
import type { Session, User } from '../core/types.ts';
import type { OAuthProvider, OAuthTokens, ProviderProfile } from '../oauth/provider.ts';
import type { RateLimitOptions, RateLimiter } from './rate-limit.ts';
import type { Sealer, SealSecret } from './seal.ts';

/** App callbacks around sign-in. Each may be async; an exception becomes a 500. */
export interface AuthHooks<UA extends object, SA extends object> {
  /** Whether a person who has no account yet may sign up. Default: everyone. */
  allowSignIn?(profile: ProviderProfile, provider: OAuthProvider): boolean | Promise<boolean>;
  /** The new user's attributes. Default `{ username, name, email, avatarURL }` from the profile. */
  mapProfile?(profile: ProviderProfile, provider: OAuthProvider): UA | Promise<UA>;
  /** Attributes for a new session. Default `{ userAgent, provider }`. */
  sessionAttributes?(request: Request, provider: OAuthProvider): SA | Promise<SA>;
  /** After a successful sign-in (the tokens are here for the app to keep, if it wants them). */
  onSignIn?(event: {
    user: User<UA>;
    session: Session<SA>;
    provider: OAuthProvider;
    profile: ProviderProfile;
    tokens: OAuthTokens;
    isNewUser: boolean;
  }): void | Promise<void>;
  /** After a sign-out; `all` when the user signed out everywhere. */
  onSignOut?(event: { user: User<UA>; session: Session<SA>; all: boolean }): void | Promise<void>;
}

/** Where unexpected errors are reported. Receives codes and names only, never secrets. */
export interface AuthLogger {
  error(message: string, details: Record<string, string>): void;
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
  hooks?: AuthHooks<UA, SA>;
  logger?: AuthLogger;
}

/** Per-request facts the adapters know and a plain `Request` does not. */
export interface RequestInfo {
  /** The socket's remote address. */
  clientAddress?: string | null;
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
