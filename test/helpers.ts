// Shared test settings: the real engines this machine runs, from the environment or defaults.
import { createServer } from 'node:net';
import type { SessionRow } from '../src/store.ts';
export const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A short random suffix, so parallel test files never share a table prefix or key space. */
export function uniqueSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}

/** A session row of user `u` for store tests, with `overrides` on top. */
export function sessionRowFixture(overrides: Partial<SessionRow> = {}): SessionRow {
  return {
    id: 'sid',
    userId: 'u',
    secretHash: new Uint8Array(32).fill(7),
    createdAt: 1,
    lastSeenAt: 2,
    expiresAt: 3,
    absoluteExpiresAt: 4,
    attributes: '{"s":1}',
    ...overrides,
  };
}

/** A TCP port free right now on 127.0.0.1 (for servers that must be told their port up front). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
