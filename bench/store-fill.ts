// Fills a PostgreSQL or MariaDB/MySQL database (latchkey's schema under a table prefix) or Redis
// (sessions, with users in PostgreSQL) with `count` users and sessions in batches, and returns
// a sample of valid session tokens. Sessions are far from renewal, so benchmarks measure reads.
import type { Redis } from 'ioredis';
import { generateToken } from '../src/core/session-token.ts';
import { expiryKey, groupOf, sessionKey } from '../src/stores/redis-store.ts';

const DAY = 86_400_000;

export interface FillRow {
  userId: string;
  attributes: string;
  id: string;
  secretHash: Uint8Array;
}

/** Generates the rows in batches of `batch` and hands each batch to `write`. */
export async function fillRows(
  count: number,
  sample: number,
  batch: number,
  write: (rows: FillRow[], now: number) => Promise<void>,
): Promise<string[]> {
  const now = Date.now();
  const every = Math.max(1, Math.floor(count / sample));
  const tokens: string[] = [];
  for (let start = 0; start < count; start += batch) {
    const rows: FillRow[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) {
      const { token, id, secretHash } = generateToken('session');
      rows.push({
        userId: `user${i.toString(36).padStart(8, '0')}`,
        attributes: JSON.stringify({ username: `user-${i}`, email: `user${i}@example.com` }),
        id,
        secretHash,
      });
      if (i % every === 0) tokens.push(token);
    }
    await write(rows, now);
  }
  return tokens;
}

/** Session expiries used by every filler. */
export const expiries = (now: number) => ({
  expiresAt: now + 30 * DAY,
  absoluteExpiresAt: now + 90 * DAY,
});

/** Placeholders `(?, ?, ...)` for `rows` rows of `columns` columns. */
export function placeholders(rows: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}

/** Writes a batch of sessions to Redis in the Redis store's layout. */
export async function writeRedisSessions(
  redis: Redis,
  keyPrefix: string,
  rows: FillRow[],
  now: number,
): Promise<void> {
  const { expiresAt, absoluteExpiresAt } = expiries(now);
  const pipeline = redis.pipeline();
  for (const r of rows) {
    const key = sessionKey(keyPrefix, r.id);
    pipeline
      .hset(key, {
        userId: r.userId,
        secretHash: Buffer.from(r.secretHash).toString('hex'),
        createdAt: now,
        lastSeenAt: now,
        expiresAt,
        absoluteExpiresAt,
        attributes: '{}',
      })
      .pexpireat(key, expiresAt)
      .sadd(`${keyPrefix}user-sessions:${r.userId}`, r.id)
      .zadd(expiryKey(keyPrefix, groupOf(r.id)), expiresAt, r.id);
  }
  await pipeline.exec();
}

/** What the SQL fillers need of a driver: run one statement with `?` parameters. */
export type RunSql = (sql: string, params: unknown[]) => Promise<unknown>;

/**
 * Inserts a batch of users and their sessions into latchkey's tables (`user`, `session`: quoted
 * names from `tableNames`), `onlyUsers` for a Redis split whose sessions live in Redis.
 */
export async function insertSqlRows(
  run: RunSql,
  tables: { user: string; session: string },
  rows: FillRow[],
  now: number,
  onlyUsers = false,
): Promise<void> {
  const { expiresAt, absoluteExpiresAt } = expiries(now);
  await run(
    `INSERT INTO ${tables.user} (id, attributes, created_at) VALUES ${placeholders(rows.length, 3)}`,
    rows.flatMap((r) => [r.userId, r.attributes, now]),
  );
  if (onlyUsers) return;
  await run(
    `INSERT INTO ${tables.session} (id, user_id, secret_hash, created_at, last_seen_at, expires_at, absolute_expires_at, attributes) VALUES ${placeholders(rows.length, 8)}`,
    rows.flatMap((r) => [
      r.id,
      r.userId,
      Buffer.from(r.secretHash),
      now,
      now,
      expiresAt,
      absoluteExpiresAt,
      '{}',
    ]),
  );
}

/** `?` placeholders as PostgreSQL's `$1..$n`. */
export function dollarParams(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
