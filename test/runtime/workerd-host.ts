// Hosts the runtime suite on workerd: starts the GitHub double in this Node process, bundles
// test/runtime/worker.ts with esbuild (latchkey's fetch-only code, jose, oauth4webapi), runs it in
// Miniflare (workerd and a local D1, fully local) and prints the report the worker answers.
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { startGitHubDouble } from '../../src/testing/github-double.ts';
import { setUpDouble } from './double-world.ts';
import { formatReport, type Report } from './harness.ts';

/** Bundles a worker entry into one ES module (workerd takes no bare specifiers). */
export async function bundleWorker(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'warning',
  });
  return out.outputFiles[0]!.text;
}

export async function runWorkerdSuite(root: string): Promise<boolean> {
  const double = await startGitHubDouble();
  setUpDouble(double);
  const mf = new Miniflare({
    modules: true,
    script: await bundleWorker(`${root}test/runtime/worker.ts`),
    compatibilityDate: '2026-07-01',
    bindings: { DOUBLE_URL: double.url },
    d1Databases: { DB: 'latchkey-runtime-suite' },
  });
  try {
    const response = await mf.dispatchFetch('http://localhost/');
    const text = await response.text();
    if (response.status !== 200) {
      console.log(`worker answered ${response.status}: ${text.slice(0, 2000)}`);
      return false;
    }
    const report = JSON.parse(text) as Report;
    console.log(formatReport(report));
    return report.failed === 0 && report.passed > 0;
  } finally {
    await mf.dispose();
    await double.close();
  }
}
