// Running examples/next under the real `next` CLI for the dev and production tests: a free
// port, the CLI in its own process group (Next starts workers that must end with it), and a
// wait for the first answer.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');
export const EXAMPLE_DIR = join(ROOT, 'examples/next');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A `next` command in examples/next; everything it prints is kept in `output()`. */
export interface NextProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Ends the command and every process it started. */
  stop(): Promise<void>;
}

export function runNext(args: string[], env: Record<string, string>): NextProcess {
  let output = '';
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/next/dist/bin/next'), ...args], {
    cwd: EXAMPLE_DIR,
    // Its own process group, so that stopping ends Next's workers too.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    },
  };
}

/** Waits until `url` answers 200 (Next compiles or loads the route on first request). */
export async function waitFor(url: string, next: NextProcess, tries = 240): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (next.child.exitCode !== null) break;
    const answer = await fetch(url).catch(() => null);
    await answer?.arrayBuffer();
    if (answer?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`next did not answer ${url}:\n${next.output()}`);
}
