// Middleware benchmark (npm run bench:middleware [-- --quick]): the session a framework's route
// gets through latchkey's middleware (Hono `c.get('user')`, Express `req.latchkey`, node:http
// `getSession`) against the same route calling `validateSession` itself, on the same server.
// Each framework runs in its own server process on one core; the two routes alternate in ABBA
// order so drift cancels in each round's ratio. Target: `<framework>_ratio` >= 0.95.
// Usage: node bench/middleware.ts [--quick] [--frameworks hono,express,node]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillDatabase } from './fill-db.ts';
import { load, median, startServer, type ServerHandle } from './load.ts';

const quick = process.argv.includes('--quick');
// Short rounds, many of them: see bench/session.ts.
const duration = quick ? 1 : 2;
const rounds = quick ? 2 : 15;
const all = ['hono', 'express', 'node'] as const;
// `--frameworks node,hono` measures only those.
const only = process.argv.includes('--frameworks')
  ? process.argv[process.argv.indexOf('--frameworks') + 1]!.split(',')
  : null;
const frameworks = all.filter((name) => only === null || only.includes(name));

const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-middleware-'));
const servers: ServerHandle[] = [];
try {
  const db = join(dir, 'middleware.db');
  const sessions = quick ? 10_000 : 100_000;
  const tokens = await fillDatabase(db, sessions, 20_000);
  const summary: Record<string, unknown> = {
    benchmark: 'middleware',
    store: 'sqlite',
    sessions,
    rounds,
    duration_s: duration,
  };
  for (const name of frameworks) {
    const server = await startServer(join(import.meta.dirname, 'middleware-server.ts'), [name, db]);
    servers.push(server);
    await load(server.port, '/me', tokens, duration); // warm-up, both routes
    await load(server.port, '/direct', tokens, duration);
    const runs = { direct: [] as number[], me: [] as number[], ratio: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? (['direct', 'me'] as const) : (['me', 'direct'] as const);
      for (const route of order)
        runs[route].push((await load(server.port, `/${route}`, tokens, duration)).rps);
      runs.ratio.push(runs.me[r]! / runs.direct[r]!);
      process.stderr.write(
        `round ${r + 1} ${name.padEnd(7)} direct ${runs.direct[r]!.toFixed(0)} req/s, middleware ${runs.me[r]!.toFixed(0)} req/s\n`,
      );
    }
    server.child.kill('SIGTERM');
    summary[`${name}_direct_rps`] = Math.round(median(runs.direct));
    summary[`${name}_middleware_rps`] = Math.round(median(runs.me));
    summary[`${name}_ratio`] = Number(median(runs.ratio).toFixed(3));
  }
  console.log(JSON.stringify(summary));
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
