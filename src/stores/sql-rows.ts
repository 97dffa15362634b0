// Row mapping shared by every SQL store (SQLite, PostgreSQL, MySQL): the column lists in the
// schema's order and the conversions from a driver's row object to the store contract's rows.
import type { AccountRow, SessionRow, UserRow } from '../store.ts';

/** A row as a driver returns it: column name to value. */
export type Row = Record<string, unknown>;

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new TypeError('secret_hash is not binary');
}

/** A user row from a driver row. */
export function toUser(row: Row): UserRow {
  return {
    id: row.id as string,
    attributes: row.attributes as string,
    createdAt: Number(row.created_at),
  };
}

/** An account row from a driver row (booleans and counters normalised). */
export function toAccount(row: Row): AccountRow {
  return {
    userId: row.user_id as string,
    providerId: row.provider_id as string,
    issuer: row.issuer as string,
    providerUserId: row.provider_user_id as string,
    createdAt: Number(row.created_at),
    tokens: (row.tokens as string | null) ?? null,
    tokensVersion: Number(row.tokens_version),
    needsReauth: Boolean(row.needs_reauth),
  };
}

/** A session row from a driver row; the hash must come back as binary. */
export function toSession(row: Row): SessionRow {
  return {
    id: row.id as string,
    userId: row.user_id as string,
    secretHash: toBytes(row.secret_hash),
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    expiresAt: Number(row.expires_at),
    absoluteExpiresAt: Number(row.absolute_expires_at),
    attributes: row.attributes as string,
  };
}

/** Session columns in insert order. */
export const SESSION_COLUMNS =
  'id, user_id, secret_hash, created_at, last_seen_at, expires_at, absolute_expires_at, attributes';
/** Account columns in insert order. */
export const ACCOUNT_COLUMNS =
  'user_id, provider_id, issuer, provider_user_id, created_at, tokens, tokens_version, needs_reauth';
