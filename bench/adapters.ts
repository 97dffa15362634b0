// Adapter benchmark (npm run bench:adapters [-- --quick]): the HTTP cost of `GET /auth/session`
// through each adapter (Hono, Express, node:http) against the same framework's bare route, in
// one run. Each framework runs in its own server process on one core; rounds interleave.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, median, startServer, type ServerHandle } from './load.ts';
import { fillDatabase } from './fill-db.ts';

const quick = process.argv.includes('--quick');
const duration = quick ? 3 : 8;
const rounds = quick ? 2 : 3;
const frameworks = ['hono', 'express', 'node'] as const;

const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-adapters-'));
const servers: ServerHandle[] = [];
try {
  const db = join(dir, 'adapters.db');
  const tokens = await fillDatabase(db, 10_000, 10_000);
  const results: Record<string, { bare: number[]; session: number[]; ratio: number[] }> = {};
  const ports: Record<string, number> = {};
  for (const name of frameworks) {
    const server = await startServer(join(import.meta.dirname, 'adapter-server.ts'), [name, db]);
    servers.push(server);
    ports[name] = server.port;
    results[name] = { bare: [], session: [], ratio: [] };
    await load(server.port, '/auth/session', tokens, duration); // warm-up
  }
  for (let r = 0; r < rounds; r++) {
    for (const name of frameworks) {
      const bare = await load(ports[name]!, '/bare', tokens, duration);
      const session = await load(ports[name]!, '/auth/session', tokens, duration);
      const row = results[name]!;
      row.bare.push(bare.rps);
      row.session.push(session.rps);
      row.ratio.push(session.rps / bare.rps);
      process.stderr.write(
        `round ${r + 1} ${name.padEnd(7)} bare ${bare.rps.toFixed(0)} req/s, /auth/session ${session.rps.toFixed(0)} req/s\n`,
      );
    }
  }
  const summary: Record<string, unknown> = { benchmark: 'adapters', rounds, duration_s: duration };
  for (const name of frameworks) {
    const row = results[name]!;
    summary[`${name}_bare_rps`] = Math.round(median(row.bare));
    summary[`${name}_session_rps`] = Math.round(median(row.session));
    summary[`${name}_ratio`] = Number(median(row.ratio).toFixed(3));
  }
  console.log(JSON.stringify(summary));
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
