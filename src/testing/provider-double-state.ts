// The provider double's memory: registered clients, test users, authorization codes, and the
// tokens of each grant, with rotation and reuse detection. No HTTP here.
import { randomBytes } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import type { ProviderPreset, TestUser } from './preset.ts';

/** A client registered at the double, as `addClient` takes it. */
export interface DoubleClientOptions {
  clientId: string;
  /** `null` or absent: a public client (`none`), unless it authenticates with `jwks`. */
  clientSecret?: string | null;
  /** Registered redirect URIs, matched exactly. Absent: any http(s) URL is accepted. */
  redirectURIs?: string[];
  /** Public keys for `private_key_jwt` client assertions (and a preset's `clientSecret` check). */
  jwks?: JSONWebKeySet;
  /** Who issues the client's self-made secrets when not the client itself (Apple: the team id). */
  issuer?: string;
}

/** One authorization: who approved which client, for what. */
export interface Grant {
  clientId: string;
  user: TestUser;
  scopes: string[];
  prefix: string;
  redirectURI: string;
  /** Whether the authorization request named `redirect_uri` (then the token request must too). */
  redirectURIGiven: boolean;
  nonce: string | null;
  challenge: string | null;
  challengeMethod: string;
  withRefresh: boolean;
  revoked: boolean;
  /** The authorization request's parameters (Twitch's `claims` decides what a user shows). */
  authorize?: ReadonlyMap<string, string>;
  /** Extra parameters the authorization response carried (the preset's `callbackParams`). */
  callbackParams?: Record<string, string>;
}

interface CodeRecord {
  grant: Grant;
  expiresAt: number;
  used: boolean;
}

interface TokenRecord {
  grant: Grant;
  expiresAt: number | null;
  /** Refresh tokens only: replaced by a rotation (kept to detect reuse). */
  rotated: boolean;
}

/** Codes live 10 minutes at most (RFC 6749 §4.1.2). */
export const CODE_LIFETIME_MS = 10 * 60_000;

const opaque = (): string => randomBytes(24).toString('base64url');

/** Clients, users, codes and tokens of one double. */
export class ProviderDoubleState {
  readonly clients = new Map<string, DoubleClientOptions>();
  readonly users = new Map<string, TestUser>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly accessTokens = new Map<string, TokenRecord>();
  private readonly refreshTokens = new Map<string, TokenRecord>();
  /** Client assertion `jti`s already seen (RFC 7523 §3: single use). */
  readonly assertionIds = new Set<string>();
  /** `client id \0 user id` of every consent not revoked since (first-consent-only fields). */
  readonly consents = new Set<string>();
  readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  addClient(options: DoubleClientOptions): void {
    if (typeof options?.clientId !== 'string' || options.clientId === '')
      throw new TypeError('addClient: "clientId" must be a non-empty string');
    if (options.clientSecret != null && typeof options.clientSecret !== 'string')
      throw new TypeError('addClient: "clientSecret" must be a string or null');
    for (const uri of options.redirectURIs ?? []) {
      if (!URL.canParse(uri)) throw new TypeError('addClient: redirect URIs must be absolute');
    }
    if (this.clients.has(options.clientId)) throw new TypeError('addClient: duplicate "clientId"');
    this.clients.set(options.clientId, { ...options });
  }

  /** Adds or replaces (by id) a test user. */
  putUser(user: TestUser): TestUser {
    if (typeof user?.id !== 'string' || user.id === '')
      throw new TypeError('TestUser: "id" must be a non-empty string');
    const copy = { ...user, claims: user.claims ? { ...user.claims } : undefined };
    this.users.set(user.id, copy);
    return copy;
  }

  issueCode(grant: Grant): string {
    const code = opaque();
    this.codes.set(code, { grant, expiresAt: this.now() + CODE_LIFETIME_MS, used: false });
    return code;
  }

  /**
   * Redeems a code once. A second redemption revokes what the first one issued
   * (RFC 6749 §4.1.2: "SHOULD revoke ... all tokens previously issued based on that code").
   */
  redeemCode(code: string, clientId: string): Grant | null {
    const record = this.codes.get(code);
    if (!record || record.grant.clientId !== clientId) return null;
    if (record.used) {
      record.grant.revoked = true;
      return null;
    }
    if (record.expiresAt <= this.now()) return null;
    record.used = true;
    return record.grant;
  }

  issueTokens(
    grant: Grant,
    lifetimeS: number | null,
    withRefresh: boolean,
  ): { accessToken: string; refreshToken: string | null } {
    const accessToken = opaque();
    const expiresAt = lifetimeS === null ? null : this.now() + lifetimeS * 1000;
    this.accessTokens.set(accessToken, { grant, expiresAt, rotated: false });
    if (!withRefresh) return { accessToken, refreshToken: null };
    const refreshToken = opaque();
    this.refreshTokens.set(refreshToken, { grant, expiresAt: null, rotated: false });
    return { accessToken, refreshToken };
  }

  /** The grant of a live access token, or `null` (unknown, revoked or expired). */
  activeAccess(accessToken: string): Grant | null {
    const record = this.accessTokens.get(accessToken);
    if (!record || record.grant.revoked) return null;
    if (record.expiresAt !== null && record.expiresAt <= this.now()) return null;
    return record.grant;
  }

  /**
   * Uses a refresh token. Rotation retires it; presenting a retired one again is reuse: with
   * detection on, the whole grant dies (the token may have been stolen).
   */
  useRefresh(
    refreshToken: string,
    clientId: string,
    preset: ProviderPreset,
  ): { grant: Grant } | { failure: 'bad_refresh_token' | 'refresh_token_reused' } {
    const record = this.refreshTokens.get(refreshToken);
    if (!record || record.grant.clientId !== clientId) return { failure: 'bad_refresh_token' };
    if (record.rotated) {
      if (preset.refresh.reuseDetection !== true) return { failure: 'bad_refresh_token' };
      record.grant.revoked = true;
      return { failure: 'refresh_token_reused' };
    }
    if (record.grant.revoked) return { failure: 'bad_refresh_token' };
    if (preset.refresh.rotate) record.rotated = true;
    if (preset.refresh.retiresAccessTokens) {
      for (const access of this.accessTokens.values()) {
        if (access.grant === record.grant) access.expiresAt = this.now();
      }
    }
    return { grant: record.grant };
  }

  /**
   * RFC 7009: revoking either token of a grant ends the grant. Unknown tokens are ignored.
   * @param clientId the authenticated client (only its tokens), or `null` for any client's.
   */
  revoke(token: string, clientId: string | null): void {
    const record = this.accessTokens.get(token) ?? this.refreshTokens.get(token);
    if (record && (clientId === null || record.grant.clientId === clientId)) {
      record.grant.revoked = true;
      // The next authorization is a first consent again (Apple then resends the user's name).
      this.consents.delete(`${record.grant.clientId}\0${record.grant.user.id}`);
    }
  }
}
