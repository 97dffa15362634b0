// Shared benchmark plumbing: start a server process pinned to core 0 (when taskset exists) and
// drive it with autocannon from this process, cookies drawn at random from valid tokens.
import autocannon from 'autocannon';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface ServerHandle {
  port: number;
  child: ChildProcess;
}

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Spawns `node script ...args`, which must print its port on stdout. */
export async function startServer(script: string, args: string[]): Promise<ServerHandle> {
  const argv = [process.execPath, script, ...args];
  const child = hasTaskset
    ? spawn('taskset', ['-c', '0', ...argv], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { port, child };
}

export interface Run {
  rps: number;
  p99: number;
}

/** Loads one route for `duration` seconds with 50 connections; fails on any non-2xx. */
export async function load(
  port: number,
  path: string,
  tokens: readonly string[],
  duration: number,
): Promise<Run> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    connections: 50,
    duration,
    requests: [
      {
        setupRequest: (req) => {
          const token = tokens[(Math.random() * tokens.length) | 0]!;
          return {
            ...req,
            headers: { ...req.headers, cookie: `__Host-latchkey_session=${token}` },
          };
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${path}: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
  }
  return { rps: result.requests.average, p99: result.latency.p99 };
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
