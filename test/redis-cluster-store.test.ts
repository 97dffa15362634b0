// The Redis store on a Redis Cluster (ioredis `Cluster`, 3 primaries + 3 replicas on loopback):
// the session and short-lived conformance suites, sessions spread over the primaries with every
// multi-key operation in one slot, invalidations over the cluster's pub/sub, and a failover of a
// primary to its replica that loses no session and resurrects no revoked one.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Cluster } from 'ioredis';
import { createLatchkey } from '../src/index.ts';
import { redisStore } from '../src/stores/redis-store.ts';
import { sqliteStore } from '../src/stores/sqlite-store.ts';
import type { Store } from '../src/store.ts';
import { uniqueSuffix } from './helpers.ts';
import { ask, startRedisCluster } from './redis-cluster-fixture.ts';
import {
  sessionStoreConformance,
  shortLivedStoreConformance,
  type OpenStore,
} from './store-conformance.ts';

const cluster = await startRedisCluster();
const clients: Cluster[] = [];
const bases: Store[] = [];
after(async () => {
  for (const base of bases) await base.close();
  for (const client of clients) client.disconnect();
  await cluster.stop();
});

function connect(): Cluster {
  const client = new Cluster([{ host: '127.0.0.1', port: cluster.ports[0]! }], {
    // Commands wait out a failover instead of failing at once.
    clusterRetryStrategy: (times) => Math.min(100 * times, 1_000),
    redisOptions: { maxRetriesPerRequest: 20 },
  });
  clients.push(client);
  return client;
}

const open: OpenStore = async () => {
  const base = sqliteStore(':memory:', { tablePrefix: `lk_${uniqueSuffix()}_` });
  bases.push(base);
  return redisStore({ redis: connect(), base, keyPrefix: `lkc:${uniqueSuffix()}:` });
};
sessionStoreConformance('redis cluster + sqlite', open);
shortLivedStoreConformance('redis cluster + sqlite', open);

describe('redis store on a cluster', () => {
  it('spreads sessions over every primary; sign-out everywhere finds them all', async () => {
    const redis = connect();
    const store = redisStore({ redis, base: await baseStore(), keyPrefix: 'lkspread:' });
    const auth = createLatchkey({ store });
    const user = await auth.createUser({ attributes: {} });
    const tokens = [];
    for (let i = 0; i < 48; i++) tokens.push((await auth.createSession({ userId: user.id })).token);
    const counts = await Promise.all(
      redis.nodes('master').map((node) => node.keys('lkspread:{s:*}:session:*')),
    );
    assert.equal(counts.length, 3);
    for (const keys of counts) assert.ok(keys.length > 0, 'every primary holds sessions');
    assert.equal((await auth.getUserSessions(user.id)).length, 48);
    await auth.invalidateUserSessions(user.id);
    for (const token of tokens) assert.equal(await auth.validateSession(token), null);
    assert.equal(await store.deleteExpired(Date.now() + 10 * 86_400_000), 0);
  });

  it('a primary failing over to its replica loses no session and brings none back', async () => {
    const redis = connect();
    const store = redisStore({ redis, base: await baseStore(), keyPrefix: 'lkfail:' });
    const auth = createLatchkey({ store });
    const user = await auth.createUser({ attributes: {} });
    const kept = [];
    const revoked = [];
    for (let i = 0; i < 24; i++) kept.push((await auth.createSession({ userId: user.id })).token);
    for (let i = 0; i < 24; i++) {
      const { token, session } = await auth.createSession({ userId: user.id });
      await auth.invalidateSession(session.id);
      revoked.push(token);
    }
    // WAIT: each primary has handed its writes to its replica before the switch.
    for (const node of redis.nodes('master')) await node.call('WAIT', '1', '2000');
    const replica = await replicaPort(cluster.ports);
    assert.equal(await ask(replica, 'CLUSTER', 'FAILOVER'), 'OK');
    await waitFor(async () => (await ask(replica, 'ROLE')).startsWith('master'));
    // The failover is over once every node agrees: three primaries again (the old one turned
    // replica) and every replica's link up, so no node still answers as the old primary.
    const roles = () => Promise.all(cluster.ports.map((port) => ask(port, 'ROLE')));
    await waitFor(async () => {
      const all = await roles();
      const replicas = all.filter((role) => role.startsWith('slave'));
      return (
        all.filter((role) => role.startsWith('master')).length === 3 &&
        replicas.length === 3 &&
        replicas.every((role) => role.split(',')[3] === 'connected')
      );
    });
    for (const token of kept) {
      assert.ok(
        await auth.validateSession(token),
        `not lost (roles: ${(await roles()).join(' | ')})`,
      );
    }
    for (const token of revoked) assert.equal(await auth.validateSession(token), null);
    await auth.invalidateUserSessions(user.id);
    for (const token of kept) assert.equal(await auth.validateSession(token), null);
  });

  it('invalidations reach another connection over the cluster’s pub/sub', async () => {
    const a = redisStore({ redis: connect(), base: await baseStore(), keyPrefix: 'lkpub:' });
    const b = redisStore({ redis: connect(), base: await baseStore(), keyPrefix: 'lkpub:' });
    const seen: unknown[] = [];
    let listening = false;
    const unsubscribe = b.sessionChannel!.subscribe({
      message: (message) => seen.push(message),
      state: (state) => (listening = state),
    });
    try {
      await waitFor(async () => listening);
      await a.sessionChannel!.publish({ sessionId: 'abc' });
      await a.sessionChannel!.publish({ userId: 'u1', exceptSessionId: 'abc' });
      await waitFor(async () => seen.length === 2);
      assert.deepEqual(seen, [{ sessionId: 'abc' }, { userId: 'u1', exceptSessionId: 'abc' }]);
    } finally {
      unsubscribe();
      await b.sessionChannel!.close();
      await a.sessionChannel!.close();
    }
  });
});

async function baseStore(): Promise<Store> {
  const base = sqliteStore(':memory:', { tablePrefix: `lk_${uniqueSuffix()}_` });
  await base.migrate();
  bases.push(base);
  return base;
}

async function replicaPort(ports: number[]): Promise<number> {
  for (const port of ports) if ((await ask(port, 'ROLE')).startsWith('slave')) return port;
  throw new Error('no replica');
}

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
