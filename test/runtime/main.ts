// The runtime suite's entry on Node, Bun and Deno: hosts the GitHub double in this process
// (node:http works on all three) unless LATCHKEY_DOUBLE_URL names one already running, runs the
// suite on the memory store (and on the SQLite store where this runtime's node:sqlite works), then
// prints the report and exits non-zero on any failure. Run by scripts/test-runtimes.ts.
import { memoryStore } from '../../src/stores/memory-store.ts';
import { startGitHubDouble } from '../../src/testing/github-double.ts';
import { setUpDouble } from './double-world.ts';
import { formatReport } from './harness.ts';
import { runtimeSuite, type RuntimeSuiteOptions } from './suite.ts';

declare const Bun: { version: string } | undefined;
declare const Deno: { version: { deno: string } } | undefined;

function runtimeName(): string {
  if (typeof Bun !== 'undefined') return `bun ${Bun.version}`;
  if (typeof Deno !== 'undefined') return `deno ${Deno.version.deno}`;
  return `node ${process.versions.node}`;
}

const given = process.env.LATCHKEY_DOUBLE_URL;
const double = given ? null : await startGitHubDouble();
if (double) setUpDouble(double);
const stores: RuntimeSuiteOptions['stores'] = [{ name: 'memory', open: async () => memoryStore() }];
if (process.env.LATCHKEY_RUNTIME_SQLITE === '1') {
  const { sqliteStore } = await import('../../src/stores/sqlite-store.ts');
  stores.push({ name: 'sqlite', open: async () => sqliteStore(':memory:') });
}
const report = await runtimeSuite({ doubleURL: given ?? double!.url, stores }).run(runtimeName());
await double?.close();
console.log(formatReport(report));
process.exitCode = report.failed === 0 && report.passed > 0 ? 0 : 1;
