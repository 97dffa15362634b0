// The statements every SQL store runs alike — users, accounts, sessions, and the plain reads and
// deletes of short-lived records — with `?` placeholders, built once per store from its quoted
// table names. SQLite prepares them, D1 binds them, PostgreSQL and MySQL send them as they are
// (their drivers key prepared statements by the text, so it must not be rebuilt per call).
import { ACCOUNT_COLUMNS, SESSION_COLUMNS, sessionAndUserSql } from './sql-rows.ts';
import type { TableNames } from './migrations.ts';

const accountKey = 'provider_id = ? AND issuer = ? AND provider_user_id = ?';

/** The shared statements for quoted table names and the temp table's quoted `key` column. */
export function sqlStatements(t: TableNames, key: string) {
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
    // Keyset pagination; each engine adds its own LIMIT (MySQL refuses a bound one).
    accountsWithTokensAfter: `SELECT ${ACCOUNT_COLUMNS} FROM ${t.account} WHERE tokens IS NOT NULL AND (provider_id, issuer, provider_user_id) > (?, ?, ?) ORDER BY provider_id, issuer, provider_user_id`,
    // The version bump makes every successful write change the row, so the count is exact.
    updateTokens: `UPDATE ${t.account} SET tokens = ?, needs_reauth = ?, tokens_version = tokens_version + 1 WHERE ${accountKey} AND tokens_version = ?`,
    getSessionAndUser: sessionAndUserSql(t),
    updateSessionExpiry: `UPDATE ${t.session} SET expires_at = ?, last_seen_at = ? WHERE id = ?`,
    getUserSessions: `SELECT ${SESSION_COLUMNS} FROM ${t.session} WHERE user_id = ?`,
    deleteSession: `DELETE FROM ${t.session} WHERE id = ?`,
    deleteUserSessions: `DELETE FROM ${t.session} WHERE user_id = ?`,
    deleteUserSessionsExcept: `DELETE FROM ${t.session} WHERE user_id = ? AND id <> ?`,
    // `expires_at` alone, through its index: the idle expiry never passes the absolute one (see
    // SessionRow), so a session past either has `expires_at <= now`. An `OR absolute_expires_at`
    // would make PostgreSQL and MariaDB scan the whole table.
    deleteExpiredSessions: `DELETE FROM ${t.session} WHERE expires_at <= ?`,
    deleteExpiredTemps: `DELETE FROM ${t.temp} WHERE expires_at <= ?`,
    getTemp: `SELECT value FROM ${t.temp} WHERE kind = ? AND ${key} = ? AND expires_at > ?`,
    deleteTemp: `DELETE FROM ${t.temp} WHERE kind = ? AND ${key} = ?`,
  };
}

/** The shared statements, by name. */
export type SqlStatements = ReturnType<typeof sqlStatements>;
