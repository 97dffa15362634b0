// Runs every test file with Node's own test runner, one file at a time per worker pool of two
// (the machine has two cores; database suites share one database per engine, each in its own
// table prefix or schema). Usage: node scripts/test.ts [filter...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = collect('test', collect('src', []))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Suites that restart a shared service (the multi-server fault test restarts PostgreSQL) run
// last and alone, so no other suite sees its outage.
const ALONE = ['multi-server-faults'];
const alone = files.filter((f) => ALONE.some((name) => f.includes(name)));
const together = files.filter((f) => !alone.includes(f));

function run(group: string[]): number {
  if (group.length === 0) return 0;
  const result = spawnSync(
    process.execPath,
    // `latchkey-source` resolves the package's own subpaths (`latchkey/sqlite`, as the demo
    // imports them) to src/, so tests never depend on a stale or missing build; see
    // package.json "exports".
    [
      '--conditions=latchkey-source',
      '--test',
      '--test-concurrency=2',
      '--test-timeout=120000',
      '--test-reporter=spec',
      ...group,
    ],
    { stdio: 'inherit' },
  );
  return result.status ?? 1;
}
const status = run(together);
process.exit(run(alone) || status);
