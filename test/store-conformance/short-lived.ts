// The short-lived part of the store contract (`ShortLivedStore`): keyspaces, expiry,
// add-if-absent, single take and counters.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { suiteContext, type OpenStore } from './harness.ts';

/** Runs the short-lived records and counters suite on a store `open` returns fresh. */
export function shortLivedStoreConformance(name: string, open: OpenStore): void {
  describe(`short-lived store conformance: ${name}`, () => {
    const c = suiteContext(open);

    it('temporary records: keyspaces, TTL, add-if-absent, single take, counters', async () => {
      const t = Date.now();
      await c.store.setTemp('flow', 'k1', 'v1', t + 60_000);
      assert.equal(await c.store.getTemp('flow', 'k1'), 'v1');
      assert.equal(await c.store.getTemp('code', 'k1'), null, 'kinds are separate keyspaces');
      assert.equal(await c.store.addTemp('flow', 'k1', 'v2', t + 60_000), false);
      assert.equal(await c.store.addTemp('flow', 'k2', 'v2', t + 60_000), true);
      const takes = await Promise.all([
        c.store.takeTemp('flow', 'k1'),
        c.store.takeTemp('flow', 'k1'),
        c.store.takeTemp('flow', 'k1'),
      ]);
      assert.deepEqual(
        takes.filter((x) => x !== null),
        ['v1'],
      );
      assert.equal(await c.store.getTemp('flow', 'k1'), null);
      await c.store.deleteTemp('flow', 'k2');
      assert.equal(await c.store.getTemp('flow', 'k2'), null);
      // Expired records are never returned, and can be re-added.
      await c.store.setTemp('flow', 'old', 'x', t - 1);
      assert.equal(await c.store.getTemp('flow', 'old'), null);
      assert.equal(await c.store.takeTemp('flow', 'old'), null);
      assert.equal(await c.store.addTemp('flow', 'old', 'y', t + 60_000), true);
      const counts = await Promise.all(
        Array.from({ length: 10 }, () => c.store.incrementCounter('rate', 'ip', t + 60_000)),
      );
      assert.deepEqual(
        counts.map((c) => c.count).sort((x, y) => x - y),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      );
      const expired = await c.store.incrementCounter('rate', 'gone', t - 1);
      assert.equal(expired.count, 1);
      assert.equal(
        (await c.store.incrementCounter('rate', 'gone', t + 60_000)).count,
        1,
        'an expired window restarts',
      );
      await c.store.deleteExpired(t);
      assert.equal(await c.store.getTemp('flow', 'old'), 'y');
    });
  });
}
