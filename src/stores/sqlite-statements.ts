// The SQLite schema's statements, by name: prepared once by the SQLite store (node:sqlite) and
// bound per call by the D1 store, so both engines run the very same SQL.
import { ACCOUNT_COLUMNS, SESSION_COLUMNS, sessionAndUserSql } from './sql-rows.ts';
import type { TableNames } from './migrations.ts';

const accountKey = 'provider_id = ? AND issuer = ? AND provider_user_id = ?';

/** Every statement of the SQLite-dialect stores, for quoted table names. */
export function sqliteStatements(t: TableNames) {
  return {
    insertUser: `INSERT INTO ${t.user} (id, attributes, created_at) VALUES (?, ?, ?)`,
    insertAccount: `INSERT INTO ${t.account} (${ACCOUNT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    insertSession: `INSERT INTO ${t.session} (${SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    getUser: `SELECT id, attributes, created_at FROM ${t.user} WHERE id = ?`,
    getUserByAccount: `SELECT u.id, u.attributes, u.created_at FROM ${t.account} a JOIN ${t.user} u ON u.id = a.user_id WHERE a.provider_id = ? AND a.issuer = ? AND a.provider_user_id = ?`,
    updateUser: `UPDATE ${t.user} SET attributes = ? WHERE id = ?`,
    deleteUser: `DELETE FROM ${t.user} WHERE id = ?`,
    deleteAccount: `DELETE FROM ${t.account} WHERE ${accountKey}`,
    getAccount: `SELECT ${ACCOUNT_COLUMNS} FROM ${t.account} WHERE ${accountKey}`,
    getUserAccounts: `SELECT ${ACCOUNT_COLUMNS} FROM ${t.account} WHERE user_id = ? ORDER BY created_at, provider_id, issuer, provider_user_id`,
    listAccountsWithTokens: `SELECT ${ACCOUNT_COLUMNS} FROM ${t.account} WHERE tokens IS NOT NULL AND (provider_id, issuer, provider_user_id) > (?, ?, ?) ORDER BY provider_id, issuer, provider_user_id LIMIT ?`,
    updateTokens: `UPDATE ${t.account} SET tokens = ?, needs_reauth = ?, tokens_version = tokens_version + 1 WHERE ${accountKey} AND tokens_version = ?`,
    getSessionAndUser: sessionAndUserSql(t),
    updateSessionExpiry: `UPDATE ${t.session} SET expires_at = ?, last_seen_at = ? WHERE id = ?`,
    getUserSessions: `SELECT ${SESSION_COLUMNS} FROM ${t.session} WHERE user_id = ?`,
    deleteSession: `DELETE FROM ${t.session} WHERE id = ?`,
    deleteUserSessions: `DELETE FROM ${t.session} WHERE user_id = ?`,
    deleteUserSessionsExcept: `DELETE FROM ${t.session} WHERE user_id = ? AND id <> ?`,
    // `expires_at` alone, through its index: it never passes `absolute_expires_at` (SessionRow).
    deleteExpiredSessions: `DELETE FROM ${t.session} WHERE expires_at <= ?`,
    deleteExpiredTemps: `DELETE FROM ${t.temp} WHERE expires_at <= ?`,
    // One bounded batch through the expires_at index (DELETE … LIMIT is a compile option).
    sweepTemps: `DELETE FROM ${t.temp} WHERE (kind, "key") IN (SELECT kind, "key" FROM ${t.temp} WHERE expires_at <= ? LIMIT ?)`,
    setTemp: `INSERT INTO ${t.temp} (kind, "key", value, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (kind, "key") DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    // Replaces only an expired record: `changes` is 1 when this call wrote, 0 when a live
    // record won.
    addTemp: `INSERT INTO ${t.temp} (kind, "key", value, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (kind, "key") DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE ${t.temp}.expires_at <= ?`,
    getTemp: `SELECT value FROM ${t.temp} WHERE kind = ? AND "key" = ? AND expires_at > ?`,
    takeTemp: `DELETE FROM ${t.temp} WHERE kind = ? AND "key" = ? RETURNING value, expires_at`,
    deleteTemp: `DELETE FROM ${t.temp} WHERE kind = ? AND "key" = ?`,
    incrementCounter: `INSERT INTO ${t.temp} (kind, "key", value, expires_at) VALUES (?, ?, '1', ?) ON CONFLICT (kind, "key") DO UPDATE SET value = CASE WHEN ${t.temp}.expires_at <= ? THEN '1' ELSE CAST(${t.temp}.value AS INTEGER) + 1 END, expires_at = CASE WHEN ${t.temp}.expires_at <= ? THEN excluded.expires_at ELSE ${t.temp}.expires_at END RETURNING value, expires_at`,
  };
}

/** The statements' names. */
export type SqliteStatementName = keyof ReturnType<typeof sqliteStatements>;
