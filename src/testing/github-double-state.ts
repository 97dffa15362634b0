// The GitHub double's memory: registered apps, users, authorization codes, device grants and
// tokens, with GitHub's lifetimes and rotation rules. No HTTP here; the server reads and
// writes this through the small methods below.
import { createHash, randomBytes } from 'node:crypto';

/** A registered OAuth App or GitHub App, as `addApp` takes it. */
export interface GitHubDoubleAppOptions {
  clientId: string;
  clientSecret: string;
  kind: 'oauth-app' | 'github-app';
  /**
   * User access tokens expire (8 h) and come with a refresh token (~6 months, rotated on use).
   * GitHub Apps: default `true`. OAuth Apps: the app setting, default `false`; without it an
   * OAuth App still issues expiring tokens when the request's scopes include `offline_access`.
   */
  expiringTokens?: boolean;
  /** The app's registered callback URLs; the first is the default `redirect_uri`. */
  callbackURLs: string[];
  /**
   * A quirk GitHub does not have but many providers do: token responses leave `scope` out (RFC
   * 6749 §5.1 allows it when the grant equals the request). Default `false`.
   */
  omitScope?: boolean;
}

/** One entry of `GET /user/emails`. */
export interface GitHubDoubleEmail {
  email: string;
  primary: boolean;
  verified: boolean;
  visibility?: 'public' | 'private' | null;
}

/** A GitHub user, as `addUser` takes it. */
export interface GitHubDoubleUserOptions {
  login: string;
  id?: number;
  name?: string | null;
  /** The `email` field of `GET /user` (the user's public email), `null` by default. */
  publicEmail?: string | null;
  /** Default: one primary, verified `{login}@example.com`. */
  emails?: GitHubDoubleEmail[];
  avatarURL?: string;
}

/** A user as the double keeps it. */
export interface GitHubDoubleUser {
  login: string;
  id: number;
  name: string | null;
  publicEmail: string | null;
  emails: GitHubDoubleEmail[];
  avatarURL: string;
}

/** A registered app as the double keeps it. */
export interface GitHubDoubleApp {
  clientId: string;
  clientSecret: string;
  kind: 'oauth-app' | 'github-app';
  expiringTokens: boolean;
  callbackURLs: string[];
  omitScope: boolean;
}

/** An issued authorization code (single use, 10 minutes). */
export interface AuthorizationCode {
  clientId: string;
  userId: number;
  scopes: string[];
  /** The redirect URI the code was sent to (the `redirect_uri` given, or the first callback URL). */
  redirectURI: string;
  codeChallenge: string | null;
  expiresAt: number;
  used: boolean;
}

/** A device authorization (RFC 8628) in progress. */
export interface DeviceGrant {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  /** Seconds; grows by 5 on every `slow_down`. */
  interval: number;
  lastPollAt: number | null;
  status: 'pending' | 'approved' | 'denied' | 'consumed';
  userId: number | null;
}

/** An issued user access token and its refresh token, if any. */
export interface TokenRecord {
  id: number;
  accessToken: string;
  clientId: string;
  userId: number;
  scopes: string[];
  createdAt: number;
  expiresAt: number | null;
  refreshToken: string | null;
  refreshTokenExpiresAt: number | null;
  /** Device-flow tokens refresh without a client secret (GitHub's refresh doc). */
  viaDevice: boolean;
  active: boolean;
}

// GitHub's documented lifetimes (authorizing-oauth-apps, refreshing-user-access-tokens).
export const CODE_LIFETIME_MS = 10 * 60_000;
export const DEVICE_CODE_LIFETIME_S = 900;
export const DEVICE_INTERVAL_S = 5;
export const ACCESS_TOKEN_LIFETIME_S = 28_800;
export const REFRESH_TOKEN_LIFETIME_S = 15_897_600;

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// RFC 8628 §6.1: user codes from a consonant-only alphabet are easy to type and spell nothing.
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

function randomFrom(alphabet: string, length: number): string {
  // Rejection sampling keeps every character equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= limit) continue;
      out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Splits a `scope` parameter: GitHub accepts spaces and commas alike. */
export function parseScopes(value: string | undefined): string[] {
  if (value === undefined) return [];
  return [...new Set(value.split(/[\s,]+/).filter((s) => s !== ''))];
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Whether `redirectURI` may be used with `app`, by GitHub's rules.
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#redirect-urls
 */
export function redirectURIAllowed(app: GitHubDoubleApp, redirectURI: string): boolean {
  let given: URL;
  try {
    given = new URL(redirectURI);
  } catch {
    return false;
  }
  return app.callbackURLs.some((callbackURL) => {
    const registered = new URL(callbackURL);
    if (given.protocol !== registered.protocol || given.username || given.password) return false;
    // Loopback callbacks: "the redirect_uri does not need to match the port" (RFC 8252 §7.3 too).
    const loopback = LOOPBACK_HOSTS.has(registered.hostname) && registered.protocol === 'http:';
    if (!loopback && given.port !== registered.port) return false;
    if (app.kind === 'github-app') {
      // GitHub Apps: "an exact match to one of the URLs you provided as a Callback URL".
      return (
        given.hostname === registered.hostname &&
        given.pathname === registered.pathname &&
        given.search === registered.search &&
        given.hash === ''
      );
    }
    // OAuth Apps: same host or a sub-domain of it, and a path equal to or below the callback's.
    const sameHost =
      given.hostname === registered.hostname ||
      (!loopback && given.hostname.endsWith(`.${registered.hostname}`));
    const base = registered.pathname.endsWith('/')
      ? registered.pathname
      : `${registered.pathname}/`;
    const pathOK = given.pathname === registered.pathname || given.pathname.startsWith(base);
    return sameHost && pathOK && given.hash === '';
  });
}

/**
 * Whether a new user token expires: the app setting, or, for an OAuth App, `offline_access` among
 * the authorization's scopes ("Either as an app setting or per-request via the `offline_access`
 * scope"). A rotated token keeps its scopes, so it stays expiring.
 * @see https://github.com/orgs/community/discussions/204963
 */
export function tokensExpire(app: GitHubDoubleApp, scopes: readonly string[]): boolean {
  return app.expiringTokens || (app.kind === 'oauth-app' && scopes.includes('offline_access'));
}

/** Base64url SHA-256 of a PKCE verifier (RFC 7636 §4.2, S256). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** The double's apps, users, codes, device grants and tokens. */
export class GitHubDoubleState {
  readonly apps = new Map<string, GitHubDoubleApp>();
  readonly users: GitHubDoubleUser[] = [];
  readonly codes = new Map<string, AuthorizationCode>();
  readonly deviceGrants = new Map<string, DeviceGrant>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly refreshTokens = new Map<string, TokenRecord>();
  /** Scopes each user granted each app, `clientId user-id` → scopes (GitHub remembers them). */
  readonly grants = new Map<string, Set<string>>();
  private nextUserId = 1000;
  private nextTokenId = 1;
  readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  addApp(options: GitHubDoubleAppOptions): GitHubDoubleApp {
    if (!options || typeof options.clientId !== 'string' || options.clientId === '') {
      throw new TypeError('addApp: "clientId" must be a non-empty string');
    }
    if (typeof options.clientSecret !== 'string' || options.clientSecret === '') {
      throw new TypeError('addApp: "clientSecret" must be a non-empty string');
    }
    if (options.kind !== 'oauth-app' && options.kind !== 'github-app') {
      throw new TypeError('addApp: "kind" must be "oauth-app" or "github-app"');
    }
    if (!Array.isArray(options.callbackURLs) || options.callbackURLs.length === 0) {
      throw new TypeError('addApp: "callbackURLs" must list at least one URL');
    }
    for (const url of options.callbackURLs) {
      if (!URL.canParse(url)) throw new TypeError('addApp: every callback URL must be absolute');
    }
    if (this.apps.has(options.clientId)) throw new TypeError('addApp: duplicate "clientId"');
    const app: GitHubDoubleApp = {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      kind: options.kind,
      expiringTokens:
        options.kind === 'github-app'
          ? options.expiringTokens !== false
          : options.expiringTokens === true,
      callbackURLs: [...options.callbackURLs],
      omitScope: options.omitScope === true,
    };
    this.apps.set(app.clientId, app);
    return app;
  }

  addUser(options: GitHubDoubleUserOptions): GitHubDoubleUser {
    if (
      !options ||
      typeof options.login !== 'string' ||
      !/^[A-Za-z0-9-]{1,39}$/.test(options.login)
    ) {
      throw new TypeError('addUser: "login" must be 1-39 letters, digits or hyphens');
    }
    const id = options.id ?? this.nextUserId++;
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new TypeError('addUser: "id" must be a positive integer');
    if (this.findUser(options.login) || this.users.some((u) => u.id === id)) {
      throw new TypeError('addUser: duplicate "login" or "id"');
    }
    const user: GitHubDoubleUser = {
      login: options.login,
      id,
      name: options.name ?? null,
      publicEmail: options.publicEmail ?? null,
      emails: (
        options.emails ?? [
          { email: `${options.login.toLowerCase()}@example.com`, primary: true, verified: true },
        ]
      ).map((e) => ({ ...e, visibility: e.visibility ?? (e.primary ? 'private' : null) })),
      avatarURL: options.avatarURL ?? `https://avatars.githubusercontent.com/u/${id}?v=4`,
    };
    this.users.push(user);
    return user;
  }

  /** GitHub logins are case-insensitive. */
  findUser(login: string): GitHubDoubleUser | undefined {
    const wanted = login.toLowerCase();
    return this.users.find((u) => u.login.toLowerCase() === wanted);
  }

  userById(id: number): GitHubDoubleUser | undefined {
    return this.users.find((u) => u.id === id);
  }

  /** The scopes for a new authorization: the requested ones, or those granted before when none. */
  grantScopes(clientId: string, userId: number, requested: string[]): string[] {
    const key = `${clientId} ${userId}`;
    const granted = this.grants.get(key) ?? new Set<string>();
    // "a third web flow that does not provide a scope will receive a token with user and repo scope"
    const scopes = requested.length > 0 ? requested : [...granted];
    for (const scope of scopes) granted.add(scope);
    this.grants.set(key, granted);
    return scopes;
  }

  issueCode(entry: Omit<AuthorizationCode, 'expiresAt' | 'used'>): string {
    // GitHub's codes are 20 hex characters.
    const code = randomBytes(10).toString('hex');
    this.codes.set(code, { ...entry, expiresAt: this.now() + CODE_LIFETIME_MS, used: false });
    return code;
  }

  startDeviceGrant(clientId: string, scopes: string[]): DeviceGrant {
    const userCode = `${randomFrom(USER_CODE_ALPHABET, 4)}-${randomFrom(USER_CODE_ALPHABET, 4)}`;
    const grant: DeviceGrant = {
      // "The device verification code is 40 characters".
      deviceCode: randomBytes(20).toString('hex'),
      userCode,
      clientId,
      scopes,
      expiresAt: this.now() + DEVICE_CODE_LIFETIME_S * 1000,
      interval: DEVICE_INTERVAL_S,
      lastPollAt: null,
      status: 'pending',
      userId: null,
    };
    this.deviceGrants.set(grant.deviceCode, grant);
    return grant;
  }

  /** Finds a live, pending device grant by the code a person typed (any case, hyphen optional). */
  findPendingDeviceGrant(typed: string): DeviceGrant | undefined {
    const normalise = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]/g, '');
    const wanted = normalise(typed);
    if (wanted.length !== 8) return undefined;
    for (const grant of this.deviceGrants.values()) {
      if (grant.status !== 'pending' || grant.expiresAt <= this.now()) continue;
      if (normalise(grant.userCode) === wanted) return grant;
    }
    return undefined;
  }

  /** Issues an access token (and a refresh token when the app or the request asks for expiry). */
  issueToken(
    app: GitHubDoubleApp,
    userId: number,
    scopes: string[],
    viaDevice: boolean,
  ): TokenRecord {
    const now = this.now();
    // Prefixes: gho_ for OAuth App tokens, ghu_/ghr_ for GitHub App user and refresh tokens.
    const prefix = app.kind === 'oauth-app' ? 'gho_' : 'ghu_';
    const expiring = tokensExpire(app, scopes);
    const record: TokenRecord = {
      id: this.nextTokenId++,
      accessToken: prefix + randomFrom(ALPHANUMERIC, 36),
      clientId: app.clientId,
      userId,
      scopes: app.kind === 'oauth-app' ? scopes : [],
      createdAt: now,
      expiresAt: expiring ? now + ACCESS_TOKEN_LIFETIME_S * 1000 : null,
      refreshToken: expiring ? 'ghr_' + randomFrom(ALPHANUMERIC, 76) : null,
      refreshTokenExpiresAt: expiring ? now + REFRESH_TOKEN_LIFETIME_S * 1000 : null,
      viaDevice,
      active: true,
    };
    this.tokens.set(record.accessToken, record);
    if (record.refreshToken !== null) this.refreshTokens.set(record.refreshToken, record);
    return record;
  }

  /** The live record of an access token, or `undefined` (unknown, revoked, rotated or expired). */
  activeToken(accessToken: string): TokenRecord | undefined {
    const record = this.tokens.get(accessToken);
    if (!record || !record.active) return undefined;
    if (record.expiresAt !== null && record.expiresAt <= this.now()) return undefined;
    return record;
  }

  /** Kills an access token and its refresh token. */
  revoke(record: TokenRecord): void {
    record.active = false;
    if (record.refreshToken !== null) this.refreshTokens.delete(record.refreshToken);
  }

  /**
   * Rotates a refresh token: the old refresh token and the old access token both die.
   * @see https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
   */
  rotate(app: GitHubDoubleApp, refreshToken: string): TokenRecord | undefined {
    const old = this.refreshTokens.get(refreshToken);
    if (!old || old.clientId !== app.clientId) return undefined;
    if (old.refreshTokenExpiresAt !== null && old.refreshTokenExpiresAt <= this.now()) {
      this.refreshTokens.delete(refreshToken);
      return undefined;
    }
    this.revoke(old);
    return this.issueToken(app, old.userId, old.scopes, old.viaDevice);
  }

  /** Revokes every token of `userId` for `clientId` and forgets the granted scopes. */
  revokeGrant(clientId: string, userId: number): void {
    for (const record of this.tokens.values()) {
      if (record.clientId === clientId && record.userId === userId) this.revoke(record);
    }
    this.grants.delete(`${clientId} ${userId}`);
  }
}
