// The provider token set as the vault keeps it: a small JSON document sealed into the account
// row. Only what is needed to call the provider's API and to refresh is kept (no ID token).
import type { DPoPKey } from '../oauth/dpop.ts';
import type { OAuthTokens } from '../oauth/provider.ts';

/**
 * A provider token set held by the vault: the token response's fields (see {@link OAuthTokens})
 * without the ID token. Times are `Date`s; `null` means "not given".
 */
export interface ProviderTokens extends Pick<
  OAuthTokens,
  | 'accessToken'
  | 'tokenType'
  | 'refreshToken'
  | 'accessTokenExpiresAt'
  | 'refreshTokenExpiresAt'
  | 'scopes'
  | 'scopesReported'
> {
  /**
   * The private JWK of the DPoP key pair DPoP-bound tokens are bound to (one per account, sealed
   * with the tokens), or `null` for bearer tokens.
   */
  dpopKey: DPoPKey | null;
}

interface StoredTokenSet {
  v: 1;
  at: string;
  tt: string;
  rt: string | null;
  ate: number | null;
  rte: number | null;
  sc: string[];
  /** Absent in sets sealed before the field existed. */
  sr?: boolean;
  /** The DPoP private JWK; absent for bearer tokens. */
  dk?: DPoPKey;
}

/** Keeps only the fields the vault stores. */
export function toProviderTokens(tokens: OAuthTokens | ProviderTokens): ProviderTokens {
  return {
    accessToken: tokens.accessToken,
    tokenType: tokens.tokenType || 'bearer',
    refreshToken: tokens.refreshToken ?? null,
    accessTokenExpiresAt: tokens.accessTokenExpiresAt ?? null,
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt ?? null,
    scopes: [...(tokens.scopes ?? [])],
    // An object built by hand (an app importing tokens) lists what it knows.
    scopesReported: tokens.scopesReported ?? true,
    dpopKey: tokens.dpopKey ?? null,
  };
}

/** Serialises a token set for sealing. */
export function encodeTokenSet(tokens: ProviderTokens): string {
  const doc: StoredTokenSet = {
    v: 1,
    at: tokens.accessToken,
    tt: tokens.tokenType,
    rt: tokens.refreshToken,
    ate: tokens.accessTokenExpiresAt?.getTime() ?? null,
    rte: tokens.refreshTokenExpiresAt?.getTime() ?? null,
    sc: tokens.scopes,
    sr: tokens.scopesReported,
    ...(tokens.dpopKey ? { dk: tokens.dpopKey } : {}),
  };
  return JSON.stringify(doc);
}

/** Parses an opened token set; `null` when it is not one (it was authenticated, so: a bug). */
export function decodeTokenSet(text: string): ProviderTokens | null {
  let doc: Partial<StoredTokenSet>;
  try {
    doc = JSON.parse(text) as Partial<StoredTokenSet>;
  } catch {
    return null;
  }
  if (!doc || doc.v !== 1 || typeof doc.at !== 'string') return null;
  const scopes = Array.isArray(doc.sc) ? doc.sc.filter((s) => typeof s === 'string') : [];
  return {
    accessToken: doc.at,
    tokenType: typeof doc.tt === 'string' ? doc.tt : 'bearer',
    refreshToken: typeof doc.rt === 'string' ? doc.rt : null,
    accessTokenExpiresAt: typeof doc.ate === 'number' ? new Date(doc.ate) : null,
    refreshTokenExpiresAt: typeof doc.rte === 'number' ? new Date(doc.rte) : null,
    scopes,
    // A set sealed before `sr` existed: a non-empty list can only have come from a response; an
    // empty one may be a provider that said nothing, so it is not claimed as reported.
    scopesReported: typeof doc.sr === 'boolean' ? doc.sr : scopes.length > 0,
    dpopKey: typeof doc.dk === 'object' && doc.dk !== null ? doc.dk : null,
  };
}

/**
 * Merges a refresh response over the previous set: a provider that sends no new refresh token
 * (RFC 6749 §6 makes rotation optional) leaves the old one, and its expiry, in force. A response
 * without `scope` keeps the previous scopes (a refresh grants the same scopes unless it says
 * otherwise); a response that lists scopes replaces them — narrowed, or empty, as it says.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function mergeRefreshed(previous: ProviderTokens, fresh: OAuthTokens): ProviderTokens {
  const next = toProviderTokens(fresh);
  if (next.refreshToken === null) {
    next.refreshToken = previous.refreshToken;
    next.refreshTokenExpiresAt = previous.refreshTokenExpiresAt;
  }
  if (!next.scopesReported) next.scopes = [...previous.scopes];
  // Refreshed DPoP-bound tokens stay bound to the account's key.
  next.dpopKey ??= previous.dpopKey;
  return next;
}
