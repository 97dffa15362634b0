// The pieces of test/multi-server-faults.test.ts: app processes (test/multi-server-app.ts) that
// can be SIGKILLed and restarted on their port, a real HAProxy in front of them (health checks,
// retries, redispatch), a cookie jar per browser and a recorder of every request's outcome.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from './helpers.ts';

const APP = fileURLToPath(new URL('./multi-server-app.ts', import.meta.url));

const exited = (p: ChildProcess) =>
  p.exitCode !== null || p.signalCode !== null ? null : new Promise((r) => p.once('exit', r));

export interface Apps {
  ports: number[];
  /** SIGKILLs app `i` by its PID and waits for it to be gone. */
  kill(i: number): Promise<void>;
  /** Starts app `i` again on its port; resolves once it listens. */
  restart(i: number): Promise<void>;
  /** The last lines each app wrote to stderr (its error log). */
  logs(): string[];
  stop(): Promise<void>;
}

/** Starts `count` app processes, each on its own port, with `env` as their settings. */
export async function startApps(count: number, env: Record<string, string>): Promise<Apps> {
  const ports = await Promise.all(Array.from({ length: count }, freePort));
  const procs: ChildProcess[] = [];
  const logs: string[] = ports.map(() => '');
  const start = (i: number): Promise<void> => {
    const child = spawn(process.execPath, ['--conditions=latchkey-source', APP], {
      env: { ...process.env, ...env, APP_NAME: `app${i}`, PORT: String(ports[i]) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    procs[i] = child;
    child.stderr!.on('data', (chunk: Buffer) => (logs[i] = ((logs[i] ?? '') + chunk).slice(-4000)));
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`app${i} exited ${code}: ${logs[i]}`)));
    });
  };
  const stop = async () => {
    for (const p of procs) p?.kill('SIGKILL');
    await Promise.all(procs.map((p) => p && exited(p)));
  };
  try {
    await Promise.all(ports.map((_, i) => start(i)));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ports,
    async kill(i) {
      procs[i]!.kill('SIGKILL');
      await exited(procs[i]!);
    },
    restart: start,
    logs: () => logs,
    stop,
  };
}

export interface HAProxy {
  stop(): Promise<void>;
}

/**
 * Starts HAProxy in the foreground (`-db`) on `127.0.0.1:port`, balancing over `backends`:
 * a server is taken out after 2 failed checks 300 ms apart; a request whose connection failed,
 * or whose server died before answering, is sent again to another server (up to 3 times).
 * @throws Error when `haproxy` is missing or does not answer within 10 s
 */
export async function startHAProxy(port: number, backends: number[]): Promise<HAProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-haproxy-'));
  const config = join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    [
      'global',
      '  maxconn 2000',
      'defaults',
      '  mode http',
      '  timeout connect 1s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  timeout check 1s',
      '  retries 3',
      '  option redispatch 1',
      '  retry-on conn-failure empty-response',
      'frontend web',
      `  bind 127.0.0.1:${port}`,
      '  default_backend apps',
      // Which process answered: a failure is traced to its server (or to HAProxy itself).
      '  http-response set-header x-server %s',
      'backend apps',
      '  balance roundrobin',
      '  option httpchk GET /healthz',
      '  http-check expect status 200',
      '  default-server check inter 300ms fall 2 rise 2',
      ...backends.map((p, i) => `  server app${i} 127.0.0.1:${p}`),
      '',
    ].join('\n'),
  );
  const proxy = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  let failed = false;
  proxy.on('error', (error) => ((failed = true), (errors += String(error))));
  proxy.stderr!.on('data', (chunk: Buffer) => (errors = (errors + chunk).slice(-4000)));
  const stop = async () => {
    proxy.kill('SIGKILL');
    if (!failed) await exited(proxy);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (failed || proxy.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy did not start: ${errors}`);
    }
    await sleep(100);
  }
  return { stop };
}

/** One browser's cookies. */
export class Jar {
  readonly cookies = new Map<string, string>();
  absorb(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';')[0]!;
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (value === '' || /max-age=0(;|$)/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

interface Call {
  jar?: Jar;
  method?: string;
  headers?: Record<string, string>;
  /** Do not take the answer's cookies (keep a signed-out session's token to try it again). */
  keep?: boolean;
}

/** Sends requests and counts their outcomes: `ok` (under 500), `503`, anything else. */
export class Recorder {
  private readonly counts = new Map<string, number>();
  readonly failures: {
    kind: string;
    status: number;
    start: number;
    end: number;
    server: string;
  }[] = [];
  private readonly calls: { start: number; end: number }[] = [];
  other5xx = 0;

  count(outcome: string): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
  }

  async call(kind: string, url: string, options: Call = {}): Promise<Response> {
    const headers = new Headers(options.headers);
    const cookie = options.jar?.header();
    if (cookie) headers.set('cookie', cookie);
    const start = Date.now();
    let response: Response;
    try {
      response = await fetch(url, { method: options.method ?? 'GET', headers, redirect: 'manual' });
    } catch {
      // HAProxy never answered: as bad as a 502.
      response = new Response(null, { status: 599 });
    }
    const end = Date.now();
    const outcome = response.status < 500 ? 'ok' : response.status === 503 ? '503' : 'other_5xx';
    this.count(`${kind}:${outcome}`);
    if (outcome === 'other_5xx') {
      this.other5xx++;
      this.count(`${kind}:${response.status}`);
    }
    this.calls.push({ start, end });
    if (outcome !== 'ok') {
      const server = response.headers.get('x-server') ?? 'haproxy';
      this.failures.push({ kind, status: response.status, start, end, server });
    }
    if (!options.keep) options.jar?.absorb(response);
    return response;
  }

  outcomes(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort());
  }

  /** The longest a request started between `from` and `to` took, in ms. */
  slowest(from: number, to: number): number {
    const inside = this.calls.filter((c) => c.start >= from && c.start < to);
    return Math.max(0, ...inside.map((c) => c.end - c.start));
  }

  /** The median request time, in ms. */
  median(): number {
    const times = this.calls.map((c) => c.end - c.start).sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] ?? 0;
  }

  /** From the first failed request to the end of the last one between `from` and `to`, in ms. */
  unavailability(from: number, to: number): number {
    const inside = this.failures.filter((f) => f.end >= from && f.start < to);
    if (inside.length === 0) return 0;
    return Math.max(...inside.map((f) => f.end)) - Math.min(...inside.map((f) => f.start));
  }
}
