// Who the rate limiter counts: IPv6 clients per network prefix, IPv4-mapped addresses as IPv4,
// and requests with no client address in one shared bucket that the logger is told about once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLatchkey } from '../src/core/latchkey.ts';
import { createRateLimiter } from '../src/http/rate-limit.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { createHarness, ORIGIN } from './http-harness.ts';

const start = (): Request => new Request(`${ORIGIN}/auth/github`);

describe('rate limiting by network', () => {
  it('300 sign-in starts from 300 addresses of one IPv6 /64: only the limit passes', async () => {
    const h = await createHarness({ rateLimit: { signIn: 30 } });
    try {
      const statuses: number[] = [];
      for (let i = 1; i <= 300; i++) {
        const address = `2001:db8:aaaa:bbbb:${i.toString(16)}:${(i * 7).toString(16)}::${i}`;
        statuses.push((await h.handler.fetch(start(), { clientAddress: address })).status);
      }
      assert.equal(statuses.filter((s) => s === 302).length, 30);
      assert.equal(statuses.filter((s) => s === 429).length, 270);
      // The next /64 has its own budget.
      const other = await h.handler.fetch(start(), { clientAddress: '2001:db8:aaaa:bbbc::1' });
      assert.equal(other.status, 302);
      assert.equal(new Set(h.counting.counterKeys).size, 2);
    } finally {
      await h.close();
    }
  });

  it('rateLimit.ipv6Prefix sets the network size (48–128)', async () => {
    const h = await createHarness({ rateLimit: { signIn: 1, ipv6Prefix: 48 } });
    try {
      const go = async (address: string) =>
        (await h.handler.fetch(start(), { clientAddress: address })).status;
      assert.equal(await go('2001:db8:1:1::1'), 302);
      assert.equal(await go('2001:db8:1:ffff::1'), 429, 'same /48');
      assert.equal(await go('2001:db8:2::1'), 302, 'another /48');
    } finally {
      await h.close();
    }
    const store = memoryStore();
    const auth = createLatchkey({ store });
    for (const ipv6Prefix of [47, 129, 64.5, Number.NaN]) {
      assert.throws(() => createRateLimiter(auth.store, { ipv6Prefix }), TypeError);
    }
    const single = createRateLimiter(store, { signIn: 1, ipv6Prefix: 128 });
    assert.equal((await single.hit('signIn', '2001:db8::1')).allowed, true);
    assert.equal((await single.hit('signIn', '2001:db8::2')).allowed, true, '/128: per address');
  });

  it('an IPv4-mapped IPv6 address is counted as the IPv4 address; IPv4 stays per address', async () => {
    const limiter = createRateLimiter(memoryStore(), { signIn: 1 });
    assert.equal((await limiter.hit('signIn', '192.0.2.7')).allowed, true);
    assert.equal((await limiter.hit('signIn', '::ffff:192.0.2.7')).allowed, false);
    assert.equal((await limiter.hit('signIn', '[::ffff:c000:207]:5000')).allowed, false);
    assert.equal((await limiter.hit('signIn', '192.0.2.8')).allowed, true);
  });
});

describe('requests without a client address', () => {
  it('share one bucket, and the logger is warned once, naming the fixes', async () => {
    const h = await createHarness({ rateLimit: { signIn: 2 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await h.handler.fetch(start())).status);
      assert.deepEqual(statuses, [302, 302, 429, 429]);
      assert.equal(h.logs.length, 1);
      assert.match(h.logs[0]!.message, /no client address.*getClientAddress/);
      assert.deepEqual(h.logs[0]!.details, { code: 'client_address_unknown' });
      // A request that names its client is counted apart and warns nothing.
      const named = await h.handler.fetch(start(), { clientAddress: '192.0.2.1' });
      assert.equal(named.status, 302);
      assert.equal(h.logs.length, 1);
    } finally {
      await h.close();
    }
  });

  it('no warning when every request names its client, or when limiting is off', async () => {
    for (const rateLimit of [{ signIn: 5 }, false as const]) {
      const h = await createHarness({ rateLimit });
      try {
        await h.handler.fetch(start(), { clientAddress: '192.0.2.1' });
        if (rateLimit === false) await h.handler.fetch(start());
        assert.equal(h.logs.length, 0);
      } finally {
        await h.close();
      }
    }
  });
});
