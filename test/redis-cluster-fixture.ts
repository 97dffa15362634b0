// A local Redis Cluster for tests: 6 `redis-server` processes from Debian's package on loopback
// ports (3 primaries, 3 replicas), joined by `redis-cli --cluster create`, in a temporary
// directory; stopped by their own PIDs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export interface LocalRedisCluster {
  /** The nodes' ports, primaries first as created (they may swap roles after a failover). */
  ports: number[];
  /** Kills one node by its PID (SIGKILL) and waits for it to exit: a crashed primary. */
  kill(port: number): Promise<void>;
  /** Starts a killed node again on its old config file, so it rejoins (as a replica if replaced). */
  restart(port: number): void;
  /** Kills every node (SIGKILL, by PID) and removes their directory. */
  stop(): Promise<void>;
}

/** Waits until `check` is true, polling every 100 ms. @throws Error after `ms` */
async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`redis cluster: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Asks one node a command and closes the connection. */
export async function ask(port: number, ...command: string[]): Promise<string> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return String(await client.call(command[0]!, ...command.slice(1)));
  } finally {
    client.disconnect();
  }
}

/**
 * Starts 6 nodes on `basePort`..`basePort + 5` and forms the cluster.
 * @throws Error when `redis-server` is missing or the cluster does not form within 30 s
 */
export async function startRedisCluster(basePort = 7301): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-redis-cluster-'));
  const ports = Array.from({ length: 6 }, (_, i) => basePort + i);
  const nodes: ChildProcess[] = [];
  const exited = (n: ChildProcess) =>
    n.exitCode !== null || n.signalCode !== null ? null : new Promise((r) => n.once('exit', r));
  const spawnNode = (port: number): ChildProcess =>
    spawn(
      'redis-server',
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`],
        ...['--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no'],
      ],
      { stdio: 'ignore' },
    );
  const stop = async () => {
    for (const node of nodes) node.kill('SIGKILL');
    await Promise.all(nodes.map(exited));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) nodes.push(spawnNode(port));
    for (const port of ports) {
      await until(`node ${port}`, 10_000, async () => (await ask(port, 'PING')) === 'PONG');
    }
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '1',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create: ${created.stdout}`);
    for (const port of ports) {
      await until(`cluster_state:ok on ${port}`, 20_000, async () =>
        (await ask(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'),
      );
    }
    const kill = async (port: number) => {
      const node = nodes[ports.indexOf(port)];
      if (!node) throw new Error(`redis cluster: no node on ${port}`);
      node.kill('SIGKILL');
      await exited(node);
    };
    const restart = (port: number) => {
      const i = ports.indexOf(port);
      if (i < 0) throw new Error(`redis cluster: no node on ${port}`);
      nodes[i] = spawnNode(port);
    };
    return { ports, kill, restart, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
