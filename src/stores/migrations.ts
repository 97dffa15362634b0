// Versioned schema per SQL dialect. A migration is a list of statements; the stores apply the
// missing ones under a lock and record each version in `<prefix>migrations`, so running
// `migrate()` twice (or from two processes at once) is a no-op the second time. Apps may add
// their own columns to these tables: latchkey names every column it reads or writes.

/** The SQL dialects latchkey ships a schema for. */
export type SqlDialectName = 'sqlite' | 'postgres' | 'mysql';

/** One schema version: statements applied in order, then recorded. */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

const PREFIX_PATTERN = /^[a-z_][a-z0-9_]{0,30}$/;

/** The default table prefix: tables are `latchkey_user`, `latchkey_account`, ... */
export const DEFAULT_TABLE_PREFIX = 'latchkey_';

/**
 * Validates a table prefix; it is spliced into SQL, so only `[a-z0-9_]` is accepted.
 * @throws TypeError when the prefix does not match /^[a-z_][a-z0-9_]{0,30}$/.
 */
export function checkTablePrefix(prefix: string | undefined): string {
  const value = prefix ?? DEFAULT_TABLE_PREFIX;
  if (typeof value !== 'string' || !PREFIX_PATTERN.test(value)) {
    throw new TypeError('latchkey: "tablePrefix" must match /^[a-z_][a-z0-9_]{0,30}$/');
  }
  return value;
}

/** Quotes an identifier for a dialect (`user` and `key` are reserved words in some engines). */
export function quoteIdentifier(dialect: SqlDialectName, name: string): string {
  return dialect === 'mysql' ? `\`${name}\`` : `"${name}"`;
}

/** The table names for a prefix, already quoted for the dialect. */
export interface TableNames {
  user: string;
  account: string;
  session: string;
  temp: string;
  migrations: string;
}

/** Quoted table names for a dialect and (validated) prefix. */
export function tableNames(dialect: SqlDialectName, prefix: string): TableNames {
  const q = (n: string): string => quoteIdentifier(dialect, prefix + n);
  return {
    user: q('user'),
    account: q('account'),
    session: q('session'),
    temp: q('temp'),
    migrations: q('migrations'),
  };
}

/** The statement creating the migrations ledger (run before taking stock of versions). */
export function migrationsTableSql(dialect: SqlDialectName, prefix: string): string {
  const t = tableNames(dialect, prefix);
  const big = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  const tail = dialect === 'mysql' ? ' ENGINE=InnoDB' : '';
  return `CREATE TABLE IF NOT EXISTS ${t.migrations} (version INTEGER NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL, applied_at ${big} NOT NULL)${tail}`;
}

function sqliteV1(prefix: string): string[] {
  const t = tableNames('sqlite', prefix);
  const i = (n: string): string => `"${prefix}${n}"`;
  return [
    // WITHOUT ROWID: a user found by id (the session JOIN) is one b-tree descent, not two.
    `CREATE TABLE IF NOT EXISTS ${t.user} (id TEXT NOT NULL PRIMARY KEY, attributes TEXT NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID`,
    `CREATE TABLE IF NOT EXISTS ${t.account} (user_id TEXT NOT NULL REFERENCES ${t.user} (id) ON DELETE CASCADE, provider_id TEXT NOT NULL, issuer TEXT NOT NULL DEFAULT '', provider_user_id TEXT NOT NULL, created_at INTEGER NOT NULL, tokens TEXT NULL, tokens_version INTEGER NOT NULL DEFAULT 0, needs_reauth INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (provider_id, issuer, provider_user_id)) WITHOUT ROWID`,
    `CREATE INDEX IF NOT EXISTS ${i('account_user_id')} ON ${t.account} (user_id)`,
    // WITHOUT ROWID: the session lookup by id is one b-tree descent, not index + table.
    `CREATE TABLE IF NOT EXISTS ${t.session} (id TEXT NOT NULL PRIMARY KEY, user_id TEXT NOT NULL REFERENCES ${t.user} (id) ON DELETE CASCADE, secret_hash BLOB NOT NULL, created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, absolute_expires_at INTEGER NOT NULL, attributes TEXT NOT NULL) WITHOUT ROWID`,
    `CREATE INDEX IF NOT EXISTS ${i('session_user_id')} ON ${t.session} (user_id)`,
    `CREATE INDEX IF NOT EXISTS ${i('session_expires_at')} ON ${t.session} (expires_at)`,
    `CREATE TABLE IF NOT EXISTS ${t.temp} (kind TEXT NOT NULL, "key" TEXT NOT NULL, value TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (kind, "key")) WITHOUT ROWID`,
    `CREATE INDEX IF NOT EXISTS ${i('temp_expires_at')} ON ${t.temp} (expires_at)`,
  ];
}

function postgresV1(prefix: string): string[] {
  const t = tableNames('postgres', prefix);
  const i = (n: string): string => `"${prefix}${n}"`;
  return [
    `CREATE TABLE IF NOT EXISTS ${t.user} (id TEXT NOT NULL PRIMARY KEY, attributes TEXT NOT NULL, created_at BIGINT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${t.account} (user_id TEXT NOT NULL REFERENCES ${t.user} (id) ON DELETE CASCADE, provider_id TEXT NOT NULL, issuer TEXT NOT NULL DEFAULT '', provider_user_id TEXT NOT NULL, created_at BIGINT NOT NULL, tokens TEXT NULL, tokens_version INTEGER NOT NULL DEFAULT 0, needs_reauth BOOLEAN NOT NULL DEFAULT FALSE, CONSTRAINT ${i('account_key')} UNIQUE (provider_id, issuer, provider_user_id))`,
    `CREATE INDEX IF NOT EXISTS ${i('account_user_id')} ON ${t.account} (user_id)`,
    `CREATE TABLE IF NOT EXISTS ${t.session} (id TEXT NOT NULL PRIMARY KEY, user_id TEXT NOT NULL REFERENCES ${t.user} (id) ON DELETE CASCADE, secret_hash BYTEA NOT NULL, created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, absolute_expires_at BIGINT NOT NULL, attributes TEXT NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ${i('session_user_id')} ON ${t.session} (user_id)`,
    `CREATE INDEX IF NOT EXISTS ${i('session_expires_at')} ON ${t.session} (expires_at)`,
    `CREATE TABLE IF NOT EXISTS ${t.temp} (kind TEXT NOT NULL, "key" TEXT NOT NULL, value TEXT NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (kind, "key"))`,
    `CREATE INDEX IF NOT EXISTS ${i('temp_expires_at')} ON ${t.temp} (expires_at)`,
  ];
}

function mysqlV1(prefix: string): string[] {
  const t = tableNames('mysql', prefix);
  const i = (n: string): string => `\`${prefix}${n}\``;
  // utf8mb4_bin: ids, provider user ids and keys compare case-sensitively. VARCHAR(255) x 3
  // in utf8mb4 is 3,060 bytes, inside InnoDB's 3,072-byte index key limit.
  const tail = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';
  return [
    `CREATE TABLE IF NOT EXISTS ${t.user} (id VARCHAR(255) NOT NULL PRIMARY KEY, attributes MEDIUMTEXT NOT NULL, created_at BIGINT NOT NULL) ${tail}`,
    `CREATE TABLE IF NOT EXISTS ${t.account} (user_id VARCHAR(255) NOT NULL, provider_id VARCHAR(255) NOT NULL, issuer VARCHAR(255) NOT NULL DEFAULT '', provider_user_id VARCHAR(255) NOT NULL, created_at BIGINT NOT NULL, tokens MEDIUMTEXT NULL, tokens_version INT NOT NULL DEFAULT 0, needs_reauth BOOLEAN NOT NULL DEFAULT FALSE, UNIQUE KEY ${i('account_key')} (provider_id, issuer, provider_user_id), KEY ${i('account_user_id')} (user_id), CONSTRAINT ${i('account_user_fk')} FOREIGN KEY (user_id) REFERENCES ${t.user} (id) ON DELETE CASCADE) ${tail}`,
    `CREATE TABLE IF NOT EXISTS ${t.session} (id VARCHAR(255) NOT NULL PRIMARY KEY, user_id VARCHAR(255) NOT NULL, secret_hash VARBINARY(32) NOT NULL, created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, absolute_expires_at BIGINT NOT NULL, attributes MEDIUMTEXT NOT NULL, KEY ${i('session_user_id')} (user_id), KEY ${i('session_expires_at')} (expires_at), CONSTRAINT ${i('session_user_fk')} FOREIGN KEY (user_id) REFERENCES ${t.user} (id) ON DELETE CASCADE) ${tail}`,
    `CREATE TABLE IF NOT EXISTS ${t.temp} (kind VARCHAR(64) NOT NULL, \`key\` VARCHAR(255) NOT NULL, value MEDIUMTEXT NOT NULL, expires_at BIGINT NOT NULL, PRIMARY KEY (kind, \`key\`), KEY ${i('temp_expires_at')} (expires_at)) ${tail}`,
  ];
}

/** Every migration for a dialect and table prefix, oldest first. */
export function migrationsFor(dialect: SqlDialectName, prefix: string): Migration[] {
  const v1 = dialect === 'sqlite' ? sqliteV1 : dialect === 'postgres' ? postgresV1 : mysqlV1;
  return [{ version: 1, name: 'users_accounts_sessions_temp', statements: v1(prefix) }];
}

/** The result of a migration run: versions applied by this call (empty when up to date). */
export interface MigrationResult {
  applied: number[];
  current: number;
}

/** Statements that drop every latchkey table for a prefix, children first (tests, uninstall). */
export function dropTablesSql(dialect: SqlDialectName, prefix: string): string[] {
  const t = tableNames(dialect, prefix);
  return [t.session, t.account, t.temp, t.user, t.migrations].map(
    (name) => `DROP TABLE IF EXISTS ${name}`,
  );
}
