// Fills a SQLite file with `count` users and sessions through latchkey's schema, in one
// transaction, and returns a sample of valid session tokens for the load generator.
import { DatabaseSync } from 'node:sqlite';
import { generateToken } from '../src/core/session-token.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';

export async function fillDatabase(path: string, count: number, sample: number): Promise<string[]> {
  const store = sqliteStore(path);
  await store.migrate();
  await store.close();
  const db = new DatabaseSync(path);
  const now = Date.now();
  const insertUser = db.prepare(
    'INSERT INTO "latchkey_user" (id, attributes, created_at) VALUES (?, ?, ?)',
  );
  const insertSession = db.prepare(
    'INSERT INTO "latchkey_session" (id, user_id, secret_hash, created_at, last_seen_at, expires_at, absolute_expires_at, attributes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const tokens: string[] = [];
  const every = Math.max(1, Math.floor(count / sample));
  db.exec('BEGIN');
  for (let i = 0; i < count; i++) {
    const userId = `user${i.toString(36).padStart(8, '0')}`;
    insertUser.run(
      userId,
      JSON.stringify({ username: `user-${i}`, email: `user${i}@example.com` }),
      now,
    );
    const { token, id, secretHash } = generateToken('session');
    // Sessions far from renewal, so the benchmark measures validation, not renewal writes.
    insertSession.run(
      id,
      userId,
      secretHash,
      now,
      now,
      now + 30 * 86_400_000,
      now + 90 * 86_400_000,
      '{}',
    );
    if (i % every === 0) tokens.push(token);
  }
  db.exec('COMMIT');
  db.close();
  return tokens;
}
