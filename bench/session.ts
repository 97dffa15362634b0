// Session-validation benchmark (npm run bench [-- --quick]).
// One server process on one core (taskset when available) with three routes — bare JSON, one
// raw prepared SQLite join, latchkey — and autocannon in this process as the load generator.
// Rounds interleave the routes so drift hits all of them alike; ratios are taken per round.
// Rounds are short (2 s) and many (15): on a shared VM the host's noise comes in bursts of
// seconds, which long rounds turn into whole-round swings, and short adjacent slices share.
// Flatness: latchkey's rate with 1,000 sessions against 1,000,000 (100,000 with --quick),
// with random tokens so lookups really spread over the table. In process: the same two lookups
// called one after another in this process (bench/in-process.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load as loadRoute, median, startServer, type Run, type ServerHandle } from './load.ts';
import { fillDatabase } from './fill-db.ts';
import { measureInProcess } from './in-process.ts';

const quick = process.argv.includes('--quick');
const duration = quick ? 1 : 2;
const rounds = quick ? 2 : 15;
const connections = 50;
const mainCount = 100_000;
const flatSmall = 1_000;
const flatLarge = quick ? 100_000 : 1_000_000;

const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
const server = join(import.meta.dirname, 'server.ts');
const load = (port: number, path: string, tokens: string[]): Promise<Run> =>
  loadRoute(port, path, tokens, duration);

const children: ServerHandle['child'][] = [];
try {
  // Fill everything first and flush it to disk, so write-back of a freshly written
  // million-row file never competes with a measured round.
  process.stderr.write(
    `filling ${mainCount}, ${flatSmall} and ${flatLarge} users and sessions...\n`,
  );
  const mainTokens = await fillDatabase(join(dir, 'main.db'), mainCount, 20_000);
  const smallTokens = await fillDatabase(join(dir, 'small.db'), flatSmall, flatSmall);
  const largeTokens = await fillDatabase(join(dir, 'large.db'), flatLarge, 50_000);
  spawnSync('sync');
  const inProcess = await measureInProcess(
    join(dir, 'main.db'),
    mainTokens,
    quick ? 2 : 15,
    quick ? 2_000 : 20_000,
  );
  process.stderr.write(`in process: ${JSON.stringify(inProcess)}\n`);
  const main = await startServer(server, [join(dir, 'main.db')]);
  children.push(main.child);

  const rows: Record<'bare' | 'raw' | 'latchkey', Run[]> = { bare: [], raw: [], latchkey: [] };
  const ratios: number[] = [];
  // Warm-up: JIT and page cache.
  await loadRoute(main.port, '/latchkey', mainTokens, quick ? 1 : 5);
  await loadRoute(main.port, '/raw', mainTokens, quick ? 1 : 5);
  for (let r = 0; r < rounds; r++) {
    // ABBA order (raw, latchkey | latchkey, raw) so slow drift cancels in the per-round ratio.
    const order =
      r % 2 === 0 ? (['bare', 'raw', 'latchkey'] as const) : (['latchkey', 'raw', 'bare'] as const);
    for (const route of order) {
      const run = await load(main.port, `/${route}`, mainTokens);
      rows[route].push(run);
      process.stderr.write(
        `round ${r + 1} ${route.padEnd(8)} ${run.rps.toFixed(0)} req/s p99 ${run.p99} ms\n`,
      );
    }
    ratios.push(rows.latchkey[r]!.rps / rows.raw[r]!.rps);
  }
  main.child.kill('SIGTERM');

  const small = await startServer(server, [join(dir, 'small.db')]);
  const large = await startServer(server, [join(dir, 'large.db')]);
  children.push(small.child, large.child);
  await load(small.port, '/latchkey', smallTokens);
  await load(large.port, '/latchkey', largeTokens);
  const flat: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // ABBA order again.
    const early = r % 2 === 0 ? await load(small.port, '/latchkey', smallTokens) : undefined;
    const l = await load(large.port, '/latchkey', largeTokens);
    const s = early ?? (await load(small.port, '/latchkey', smallTokens));
    flat.push(l.rps / s.rps);
    process.stderr.write(
      `flatness round ${r + 1}: ${flatSmall} → ${s.rps.toFixed(0)} req/s, ${flatLarge} → ${l.rps.toFixed(0)} req/s\n`,
    );
  }

  const summary = {
    benchmark: 'session',
    store: 'sqlite',
    sessions: mainCount,
    rounds,
    duration_s: duration,
    connections,
    latchkey_rps: Math.round(median(rows.latchkey.map((x) => x.rps))),
    raw_rps: Math.round(median(rows.raw.map((x) => x.rps))),
    bare_rps: Math.round(median(rows.bare.map((x) => x.rps))),
    latchkey_p99_ms: median(rows.latchkey.map((x) => x.p99)),
    raw_p99_ms: median(rows.raw.map((x) => x.p99)),
    bare_p99_ms: median(rows.bare.map((x) => x.p99)),
    ratio_to_raw: Number(median(ratios).toFixed(3)),
    ratio_to_bare: Number(
      (median(rows.latchkey.map((x) => x.rps)) / median(rows.bare.map((x) => x.rps))).toFixed(3),
    ),
    flatness: Number(median(flat).toFixed(3)),
    flatness_sessions: [flatSmall, flatLarge],
    ...inProcess,
  };
  console.log(JSON.stringify(summary));
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
