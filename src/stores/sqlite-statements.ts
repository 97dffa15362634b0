// The SQLite schema's statements, by name: prepared once by the SQLite store (node:sqlite) and
// bound per call by the D1 store, so both engines run the very same SQL — the statements every
// SQL store shares (sql-statements.ts) and SQLite's own for short-lived records.
import { sqlStatements } from './sql-statements.ts';
import type { TableNames } from './migrations.ts';

/** Every statement of the SQLite-dialect stores, for quoted table names. */
export function sqliteStatements(t: TableNames) {
  const { accountsWithTokensAfter, ...shared } = sqlStatements(t, '"key"');
  return {
    ...shared,
    listAccountsWithTokens: `${accountsWithTokensAfter} LIMIT ?`,
    // One bounded batch through the expires_at index (DELETE … LIMIT is a compile option).
    sweepTemps: `DELETE FROM ${t.temp} WHERE (kind, "key") IN (SELECT kind, "key" FROM ${t.temp} WHERE expires_at <= ? LIMIT ?)`,
    setTemp: `INSERT INTO ${t.temp} (kind, "key", value, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (kind, "key") DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    // Replaces only an expired record: `changes` is 1 when this call wrote, 0 when a live
    // record won.
    addTemp: `INSERT INTO ${t.temp} (kind, "key", value, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (kind, "key") DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE ${t.temp}.expires_at <= ?`,
    takeTemp: `DELETE FROM ${t.temp} WHERE kind = ? AND "key" = ? RETURNING value, expires_at`,
    incrementCounter: `INSERT INTO ${t.temp} (kind, "key", value, expires_at) VALUES (?, ?, '1', ?) ON CONFLICT (kind, "key") DO UPDATE SET value = CASE WHEN ${t.temp}.expires_at <= ? THEN '1' ELSE CAST(${t.temp}.value AS INTEGER) + 1 END, expires_at = CASE WHEN ${t.temp}.expires_at <= ? THEN excluded.expires_at ELSE ${t.temp}.expires_at END RETURNING value, expires_at`,
  };
}

/** The statements' names. */
export type SqliteStatementName = keyof ReturnType<typeof sqliteStatements>;
