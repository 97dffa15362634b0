// Running an example app as its framework ships it, for the example tests (on a port from
// `freePort` in helpers.ts): the command in its own process group (frameworks start workers that
// must end with it), its output kept for failure messages, and a wait for its first answer.
import { spawn, type ChildProcess } from 'node:child_process';

/** A command started by {@link runExample}; everything it prints is kept in `output()`. */
export interface ExampleProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Ends the command and every process it started. */
  stop(): Promise<void>;
}

/** Starts `node ...args` in `cwd` with exactly `env`, in its own process group. */
export function runExample(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): ExampleProcess {
  let output = '';
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env,
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

/** Waits until `url` answers 200; fails with the command's output if it exits or never does. */
export async function waitFor(url: string, example: ExampleProcess, tries = 240): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (example.child.exitCode !== null) break;
    const answer = await fetch(url).catch(() => null);
    await answer?.arrayBuffer();
    if (answer?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the example did not answer ${url}:\n${example.output()}`);
}

/** Runs `node ...args` to its end (a framework's build): its exit code and output. */
export async function runToEnd(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; output: string }> {
  const command = runExample(args, options);
  const code = await command.exited;
  return { code, output: command.output() };
}
