// Row mapping shared by every SQL store (SQLite, PostgreSQL, MySQL): the column lists in the
// schema's order and the conversions from a driver's row object to the store contract's rows.
import type { AccountKey } from '../core/types.ts';
import type { AccountRow, SessionAndUser, SessionRow, UserRow } from '../store.ts';
import type { TableNames } from './migrations.ts';

/** A row as a driver returns it: column name to value. */
export type Row = Record<string, unknown>;

/** A BLOB as drivers return it: bytes, or (D1, and through some of its proxies) an array of
 * bytes or an ArrayBuffer. */
function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (Array.isArray(value)) return Uint8Array.from(value as number[]);
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

/** A session row from a driver row (the hash as one of the BLOB forms `toBytes` reads). */
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

/** The session and its user from a row of `sessionAndUserSql`; `null` without a row. */
export function toSessionAndUser(row: Row | null | undefined): SessionAndUser | null {
  if (row == null) return null;
  return {
    session: toSession(row),
    user: {
      id: row.user_id as string,
      attributes: row.user_attributes as string,
      createdAt: Number(row.user_created_at),
    },
  };
}

/**
 * The session and its user from a row of `sessionAndUserSql` as values in column order: what
 * the SQLite store reads with `setReturnArrays`, and PostgreSQL and MySQL with rows as arrays.
 */
export function sessionAndUserFromValues(row: readonly unknown[]): SessionAndUser {
  return {
    session: {
      id: row[0] as string,
      userId: row[1] as string,
      secretHash: toBytes(row[2]),
      createdAt: Number(row[3]),
      lastSeenAt: Number(row[4]),
      expiresAt: Number(row[5]),
      absoluteExpiresAt: Number(row[6]),
      attributes: row[7] as string,
    },
    user: { id: row[1] as string, attributes: row[8] as string, createdAt: Number(row[9]) },
  };
}

/**
 * A row's values in column order, whichever form the driver gave: an array, or (a pool-like
 * object that ignored the request for arrays) a keyed object, whose keys keep the column order
 * for the distinct, non-numeric names latchkey selects.
 */
export function rowValues(row: unknown): readonly unknown[] | undefined {
  if (row === undefined || row === null) return undefined;
  return Array.isArray(row) ? row : Object.values(row as Row);
}

/** Session columns in insert order. */
export const SESSION_COLUMNS =
  'id, user_id, secret_hash, created_at, last_seen_at, expires_at, absolute_expires_at, attributes';
/** Account columns in insert order. */
export const ACCOUNT_COLUMNS =
  'user_id, provider_id, issuer, provider_user_id, created_at, tokens, tokens_version, needs_reauth';

/** Values of an account key in key-column order (provider_id, issuer, provider_user_id). */
export function keyValues(key: Required<AccountKey>): [string, string, string] {
  return [key.providerId, key.issuer, key.providerUserId];
}

/** The key before every other: keyset pagination's start. */
export const FIRST_KEY: Required<AccountKey> = { providerId: '', issuer: '', providerUserId: '' };

/** Values of a session row in {@link SESSION_COLUMNS} order. */
export function sessionValues(
  session: SessionRow,
): [string, string, Uint8Array, number, number, number, number, string] {
  return [
    session.id,
    session.userId,
    session.secretHash,
    session.createdAt,
    session.lastSeenAt,
    session.expiresAt,
    session.absoluteExpiresAt,
    session.attributes,
  ];
}

/** Values of an account row in {@link ACCOUNT_COLUMNS} order (the flag as 0/1: every engine takes it). */
export function accountValues(
  account: AccountRow,
): [string, string, string, string, number, string | null, number, number] {
  return [
    account.userId,
    account.providerId,
    account.issuer,
    account.providerUserId,
    account.createdAt,
    account.tokens,
    account.tokensVersion,
    account.needsReauth ? 1 : 0,
  ];
}

/**
 * The session-and-user lookup: one JOIN by session id. Column order is fixed (the SQLite store
 * reads it as an array): session columns as in {@link SESSION_COLUMNS}, then the user's
 * attributes and creation time.
 */
export function sessionAndUserSql(t: TableNames): string {
  return `SELECT s.id, s.user_id, s.secret_hash, s.created_at, s.last_seen_at, s.expires_at, s.absolute_expires_at, s.attributes, u.attributes AS user_attributes, u.created_at AS user_created_at FROM ${t.session} s JOIN ${t.user} u ON u.id = s.user_id WHERE s.id = ?`;
}
