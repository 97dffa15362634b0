// The core's argument checks and its conversions between store rows and public objects.
import type { AccountRow, SessionRow, UserRow } from '../store.ts';
import { invalidArgument } from './errors.ts';
import type { Account, AccountKey, Session, User } from './types.ts';

/** Largest attributes object (as JSON) a user or session may carry. */
const MAX_ATTRIBUTES_BYTES = 64 * 1024;

/** Throws `TypeError` unless `value` is a non-empty id of at most 255 characters. */
export function checkId(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) {
    invalidArgument(name, 'must be a non-empty string of at most 255 characters');
  }
}

/** JSON of a plain, serialisable attributes object of at most 64 KiB; `TypeError` otherwise. */
export function serializeAttributes(name: string, value: unknown): string {
  if (value === undefined) return '{}';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalidArgument(name, 'must be a plain object');
  }
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch {
    invalidArgument(name, 'must be JSON-serialisable');
  }
  if (json.length > MAX_ATTRIBUTES_BYTES) invalidArgument(name, 'must serialise to at most 64 KiB');
  return json;
}

/** Throws `TypeError` unless `key` is a well-formed account key. */
export function checkAccountKey(key: AccountKey): void {
  if (!key || typeof key !== 'object') invalidArgument('account', 'must be an object');
  checkId('providerId', key.providerId);
  checkId('providerUserId', key.providerUserId);
  if (key.issuer !== undefined && typeof key.issuer !== 'string') {
    invalidArgument('issuer', 'must be a string');
  }
}

/** A checked account key with its issuer filled in (`''` when none), as stores take it. */
export function storeKey(key: AccountKey): Required<AccountKey> {
  checkAccountKey(key);
  return {
    providerId: key.providerId,
    issuer: key.issuer ?? '',
    providerUserId: key.providerUserId,
  };
}

/** A new account row (no tokens yet) for a user. */
export function toAccountRow(userId: string, key: AccountKey, now: number): AccountRow {
  checkAccountKey(key);
  return {
    userId,
    providerId: key.providerId,
    issuer: key.issuer ?? '',
    providerUserId: key.providerUserId,
    createdAt: now,
    tokens: null,
    tokensVersion: 0,
    needsReauth: false,
  };
}

// Most sessions carry no attributes: skip the parser for the empty object on the hot path.
const parseAttributes = <T>(json: string): T => (json === '{}' ? {} : JSON.parse(json)) as T;

/** The public user of a row. */
export function toUser<UA extends object>(row: UserRow): User<UA> {
  return {
    id: row.id,
    attributes: parseAttributes<UA>(row.attributes),
    createdAt: new Date(row.createdAt),
  };
}

/** The public session of a row; `fresh` when this validation renewed it. */
export function toSession<SA extends object>(row: SessionRow, fresh: boolean): Session<SA> {
  return {
    id: row.id,
    userId: row.userId,
    attributes: parseAttributes<SA>(row.attributes),
    createdAt: new Date(row.createdAt),
    lastSeenAt: new Date(row.lastSeenAt),
    expiresAt: new Date(row.expiresAt),
    absoluteExpiresAt: new Date(row.absoluteExpiresAt),
    fresh,
  };
}

/** The public account of a row (tokens stay in the store). */
export function toAccount(row: AccountRow): Account {
  return {
    userId: row.userId,
    providerId: row.providerId,
    issuer: row.issuer,
    providerUserId: row.providerUserId,
    createdAt: new Date(row.createdAt),
    needsReauth: row.needsReauth,
  };
}
