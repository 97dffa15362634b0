// Running examples/next under the real `next` CLI for the dev and production tests.
import { join } from 'node:path';
import { runExample, type ExampleProcess } from './example-process.ts';

export { waitFor } from './example-process.ts';
export { freePort } from './helpers.ts';
export const ROOT = join(import.meta.dirname, '..');
export const EXAMPLE_DIR = join(ROOT, 'examples/next');

/** A `next` command in examples/next. */
export type NextProcess = ExampleProcess;

export function runNext(args: string[], env: Record<string, string>): NextProcess {
  return runExample([join(ROOT, 'node_modules/next/dist/bin/next'), ...args], {
    cwd: EXAMPLE_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
  });
}
