// Runs the runtime-neutral suite (test/runtime/) on every runtime latchkey supports: Node 22 (the
// oldest supported line, from test/runtime/node22), Node 24, Bun and Deno (each hosting the GitHub
// double itself, and testing the SQLite store on its node:sqlite), and workerd through Miniflare
// (the worker bundled by esbuild, the double in this Node process). All come from `npm ci`; no
// network. Fails loudly: a missing runtime, a crash or a failed test exits 1.
// Bun and Deno also run the memory and SQLite stores' conformance suites (bun-stores, deno-stores).
// Usage: node scripts/test-runtimes.ts [name...]   (node22 node24 bun deno elysia bun-stores
// deno-stores workerd)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (path: string): string => {
  const full = `${root}${path}`;
  if (!existsSync(full)) throw new Error(`missing ${path}: run npm ci`);
  return full;
};
const MAIN = 'test/runtime/main.ts';
const STORE_TESTS = ['test/memory-store.test.ts', 'test/sqlite-store.test.ts'];
const env = { ...process.env, LATCHKEY_RUNTIME_SQLITE: '1', NO_COLOR: '1' };

/** Each runtime's command line; every one ends by printing "[name] N passed, M failed". */
const processes: Record<string, () => string[]> = {
  node22: () => [bin('test/runtime/node22/node_modules/.bin/node'), '--no-warnings', MAIN],
  node24: () => [bin('node_modules/.bin/node'), MAIN],
  bun: () => [bin('node_modules/.bin/bun'), MAIN],
  // The permissions a latchkey app needs on Deno: the network (the double here; providers and
  // the app's own port in production). The in-memory SQLite store needs no file access.
  deno: () => [
    bin('node_modules/.bin/deno'),
    'run',
    '--allow-net=127.0.0.1',
    '--allow-env=LATCHKEY_DOUBLE_URL,LATCHKEY_RUNTIME_SQLITE',
    MAIN,
  ],
  // examples/elysia (Elysia runs on Bun) signing in against the GitHub double.
  elysia: () => [bin('node_modules/.bin/bun'), 'test/runtime/elysia-example.ts'],
  // The memory and SQLite stores' whole conformance suites (node:test files, which both run).
  'bun-stores': () => [bin('node_modules/.bin/bun'), 'test', ...STORE_TESTS.map((f) => `./${f}`)],
  'deno-stores': () => [
    bin('node_modules/.bin/deno'),
    'test',
    '--no-check', // tsc checks the sources; Deno's own type check would add ~15 s
    '--allow-read',
    '--allow-write',
    '--allow-env',
    ...STORE_TESTS,
  ],
};

/** How each command reports success, besides its exit status. */
const summaries: Record<string, RegExp> = {
  'bun-stores': /^ (\d+) pass\n 0 fail$/m,
  'deno-stores': /^ok \| (\d+) passed .*\| 0 failed/m,
};

function expectVersion(name: string, command: string[], major: string): void {
  const out = spawnSync(command[0]!, ['--version'], { encoding: 'utf8' });
  const version = `${out.stdout}`.trim();
  if (!version.includes(major)) {
    throw new Error(`${name}: expected ${major}, ${command[0]} --version says "${version}"`);
  }
}

function runProcess(name: string): boolean {
  const command = processes[name]!();
  if (name === 'node22') expectVersion(name, command, 'v22.');
  if (name === 'node24') expectVersion(name, command, 'v24.');
  const result = spawnSync(command[0]!, command.slice(1), {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  const pattern = summaries[name] ?? /\] (\d+) passed, 0 failed\s*$/;
  const summary = pattern.exec(`${result.stdout ?? ''}${result.stderr ?? ''}`);
  if (result.error) console.error(`${name}: ${result.error.message}`);
  return result.status === 0 && summary !== null && Number(summary[1]) > 0;
}

async function runWorkerd(): Promise<boolean> {
  const { runWorkerdSuite } = await import('../test/runtime/workerd-host.ts');
  return runWorkerdSuite(root);
}

const all = [...Object.keys(processes), 'workerd'];
const wanted = process.argv.slice(2);
for (const w of wanted) if (!all.includes(w)) throw new Error(`unknown runtime ${w}`);
const failed: string[] = [];
for (const name of wanted.length > 0 ? wanted : all) {
  const start = Date.now();
  console.log(`\n== runtime suite on ${name}`);
  let ok: boolean;
  try {
    ok = name === 'workerd' ? await runWorkerd() : runProcess(name);
  } catch (error) {
    console.error(error);
    ok = false;
  }
  console.log(
    `== ${name}: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - start) / 1000).toFixed(1)} s`,
  );
  if (!ok) failed.push(name);
}
if (failed.length > 0) {
  console.error(`\nruntime suite FAILED on: ${failed.join(', ')}`);
  process.exit(1);
}
console.log('\nruntime suite passed on every runtime');
