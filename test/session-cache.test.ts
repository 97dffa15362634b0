// The session cache in one process: hits skip the store but still check the secret and expiry,
// every revocation in this process drops what it revokes at once, a read racing a revocation is
// never cached, renewal stays throttled, the cache is bounded, and it holds nothing while its
// channel is not listening. Across processes: test/session-cache-channel.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLatchkey, type Latchkey } from '../src/index.ts';
import type {
  SessionAndUser,
  SessionChannel,
  SessionChannelListener,
  SessionInvalidation,
  Store,
} from '../src/store.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { countingStore } from './counting-store.ts';

const SECOND = 1_000;
const DAY = 86_400_000;

function setup(options: { ttl?: number; maxEntries?: number; renewInterval?: number } = {}) {
  let now = 1_700_000_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const counting = countingStore(memoryStore({ now: clock.now }));
  const auth = createLatchkey({
    store: counting.store,
    now: clock.now,
    session: { idleTimeout: DAY, absoluteTimeout: 30 * DAY, renewInterval: options.renewInterval },
    sessionCache: { ttl: options.ttl ?? 10 * SECOND, maxEntries: options.maxEntries },
  });
  const reads = () => counting.calls.get('getSessionAndUser') ?? 0;
  return { auth, clock, counting, reads };
}

async function signIn(auth: Latchkey, name = 'ada') {
  const user = await auth.createUser({ attributes: { name } });
  const { token, session } = await auth.createSession({ userId: user.id });
  return { user, token, session };
}

/** A channel the test drives: it decides when it listens and what arrives. */
function fakeChannel() {
  const listeners: SessionChannelListener[] = [];
  const published: SessionInvalidation[] = [];
  const channel: SessionChannel = {
    publish: async (message) => void published.push(message),
    subscribe: (listener) => (listeners.push(listener), () => undefined),
    close: async () => undefined,
  };
  return {
    channel,
    published,
    state: (listening: boolean) => listeners.forEach((l) => l.state(listening)),
    deliver: (message: SessionInvalidation) => listeners.forEach((l) => l.message(message)),
  };
}

describe('session cache', () => {
  it('answers a hot session without a store round trip', async () => {
    const { auth, reads } = setup();
    const { token, user } = await signIn(auth);
    const first = await auth.validateSession(token);
    const second = await auth.validateSession(token);
    assert.equal(reads(), 1);
    assert.equal(second?.user.id, user.id);
    assert.deepEqual(second, first);
    assert.equal(auth.sessionCache?.hits, 1);
    assert.equal(auth.sessionCache?.size, 1);
  });

  it('checks the secret on every hit', async () => {
    const { auth } = setup();
    const { token } = await signIn(auth);
    assert.ok(await auth.validateSession(token));
    const forged = token.slice(0, -4) + (token.endsWith('aaaa') ? 'bbbb' : 'aaaa');
    assert.equal(await auth.validateSession(forged), null);
    assert.ok(await auth.validateSession(token));
  });

  it('enforces the idle and absolute expiry on every hit', async () => {
    let now = 1_700_000_000_000;
    const counting = countingStore(memoryStore({ now: () => now }));
    const auth = createLatchkey({
      store: counting.store,
      now: () => now,
      session: { idleTimeout: 20 * SECOND, absoluteTimeout: 30 * SECOND, renewInterval: SECOND },
      sessionCache: { ttl: 60 * SECOND },
    });
    const user = await auth.createUser({ attributes: {} });
    const active = await auth.createSession({ userId: user.id });
    const idle = await auth.createSession({ userId: user.id });
    assert.ok(await auth.validateSession(active.token));
    assert.ok(await auth.validateSession(idle.token));
    now += 15 * SECOND;
    assert.ok(await auth.validateSession(active.token)); // renewed, up to the absolute expiry
    now += 6 * SECOND;
    assert.equal(await auth.validateSession(idle.token), null, 'idle expiry');
    assert.ok(await auth.validateSession(active.token));
    now += 9 * SECOND;
    assert.equal(await auth.validateSession(active.token), null, 'absolute expiry');
    assert.equal(auth.sessionCache?.size, 0);
    assert.equal(counting.calls.get('deleteSession'), 2, 'the store decided and deleted both');
  });

  for (const [name, revoke] of [
    [
      'invalidateSession',
      (auth: Latchkey, s: { id: string; userId: string }) => auth.invalidateSession(s.id),
    ],
    [
      'invalidateUserSessions',
      (auth: Latchkey, s: { id: string; userId: string }) => auth.invalidateUserSessions(s.userId),
    ],
    [
      'deleteUser',
      (auth: Latchkey, s: { id: string; userId: string }) => auth.deleteUser(s.userId),
    ],
  ] as const) {
    it(`${name} drops the cached session at once in this process`, async () => {
      const { auth } = setup({ ttl: 60 * SECOND });
      const { token, session } = await signIn(auth);
      assert.ok(await auth.validateSession(token));
      assert.ok(await auth.validateSession(token));
      await revoke(auth, session);
      assert.equal(await auth.validateSession(token), null);
    });
  }

  it('sign out everywhere else keeps the current session cached and drops the others', async () => {
    const { auth, reads } = setup();
    const { token, user } = await signIn(auth);
    const other = await auth.createSession({ userId: user.id });
    const current = (await auth.validateSession(token))!;
    assert.ok(await auth.validateSession(other.token));
    await auth.invalidateUserSessions(user.id, { except: current.session.id });
    const before = reads();
    assert.ok(await auth.validateSession(token));
    assert.equal(reads(), before, 'the kept session is still a hit');
    assert.equal(await auth.validateSession(other.token), null);
  });

  it('updating user attributes is visible on the next validation', async () => {
    const { auth } = setup();
    const { token, user } = await signIn(auth);
    assert.deepEqual((await auth.validateSession(token))?.user.attributes, { name: 'ada' });
    await auth.updateUserAttributes(user.id, { name: 'grace' });
    assert.deepEqual((await auth.validateSession(token))?.user.attributes, { name: 'grace' });
  });

  it('drops the cached session even when the revoking write fails', async () => {
    const { auth, counting } = setup();
    const { token, session } = await signIn(auth);
    assert.ok(await auth.validateSession(token));
    counting.failNext('deleteSession');
    await assert.rejects(auth.invalidateSession(session.id), { name: 'StoreError' });
    assert.equal(auth.sessionCache?.size, 0);
  });

  it('never caches a store read that raced a revocation', async () => {
    const inner = memoryStore();
    let hold: ((found: SessionAndUser | null) => void) | undefined;
    let snapshot: SessionAndUser | null = null;
    // The first lookup reads a snapshot now but answers only when the test says so — as a
    // database reply that arrives after another connection committed a delete.
    const store = new Proxy(inner, {
      get(target, name, receiver) {
        if (name === 'getSessionAndUser' && hold === undefined) {
          return (id: string) => {
            snapshot = target.getSessionAndUser(id) as SessionAndUser | null;
            return new Promise<SessionAndUser | null>((resolve) => (hold = resolve));
          };
        }
        const value = Reflect.get(target, name, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
    const auth = createLatchkey({ store, sessionCache: {} });
    const { token, session } = await signIn(auth);
    const racing = auth.validateSession(token);
    await new Promise((resolve) => setImmediate(resolve));
    await auth.invalidateSession(session.id);
    hold!(snapshot);
    assert.ok(await racing, 'the read that began before the revocation answers as it read');
    assert.equal(auth.sessionCache?.size, 0);
    assert.equal(await auth.validateSession(token), null);
  });

  it('renewal from a cached session writes once per interval and updates the entry', async () => {
    const { auth, clock, counting, reads } = setup({
      ttl: 60 * SECOND,
      renewInterval: 10 * SECOND,
    });
    const { token } = await signIn(auth);
    assert.equal((await auth.validateSession(token))?.session.fresh, false);
    clock.advance(11 * SECOND);
    const renewed = await Promise.all([auth.validateSession(token), auth.validateSession(token)]);
    assert.equal(counting.calls.get('updateSessionExpiry'), 1);
    assert.equal(renewed.filter((r) => r?.session.fresh).length, 1);
    const again = (await auth.validateSession(token))!;
    assert.equal(again.session.fresh, false);
    assert.equal(again.session.lastSeenAt.getTime(), clock.now());
    assert.equal(again.session.expiresAt.getTime(), clock.now() + DAY);
    assert.equal(counting.calls.get('updateSessionExpiry'), 1);
    assert.equal(reads(), 1, 'renewal read nothing back');
  });

  it('is bounded: the least recently used session goes first', async () => {
    const { auth, reads } = setup({ maxEntries: 2 });
    const a = await signIn(auth, 'a');
    const b = await signIn(auth, 'b');
    const c = await signIn(auth, 'c');
    await auth.validateSession(a.token);
    await auth.validateSession(b.token);
    await auth.validateSession(a.token); // a is now the most recent
    await auth.validateSession(c.token); // evicts b
    assert.equal(auth.sessionCache?.size, 2);
    const before = reads();
    await auth.validateSession(a.token);
    await auth.validateSession(c.token);
    assert.equal(reads(), before);
    await auth.validateSession(b.token);
    assert.equal(reads(), before + 1);
  });

  it("without a channel, another process's revocation is stale for at most the TTL", async () => {
    let now = 1_700_000_000_000;
    const store = memoryStore({ now: () => now });
    const clock = () => now;
    // Two latchkeys on one store without a channel stand for two processes.
    const a = createLatchkey({ store, now: clock, sessionCache: { ttl: 5 * SECOND } });
    const b = createLatchkey({ store, now: clock });
    const { token, session } = await signIn(a);
    assert.ok(await a.validateSession(token));
    await b.invalidateSession(session.id);
    assert.ok(await a.validateSession(token), 'stale within the TTL');
    now += 5 * SECOND;
    assert.equal(await a.validateSession(token), null);
  });

  it('holds nothing while its channel is not listening, and hears other processes', async () => {
    const fake = fakeChannel();
    const counting = countingStore(memoryStore());
    const auth = createLatchkey({
      store: counting.store,
      sessionCache: { channel: fake.channel },
    });
    const reads = () => counting.calls.get('getSessionAndUser') ?? 0;
    const { token, session } = await signIn(auth);
    assert.equal(auth.sessionCache?.live, false);
    await auth.validateSession(token);
    await auth.validateSession(token);
    assert.equal(reads(), 2, 'not listening yet: every validation reads the store');
    fake.state(true);
    await auth.sessionCache!.ready();
    await auth.validateSession(token);
    await auth.validateSession(token);
    assert.equal(reads(), 3);
    fake.deliver({ sessionId: session.id }); // another process revoked it
    await auth.validateSession(token);
    assert.equal(reads(), 4);
    fake.state(false); // the channel broke: messages may be lost from now on
    assert.equal(auth.sessionCache?.size, 0);
    await auth.validateSession(token);
    await auth.validateSession(token);
    assert.equal(reads(), 6);
  });

  it("publishes every revocation on the store's channel, with or without a local cache", async () => {
    const fake = fakeChannel();
    const inner = memoryStore();
    const store = new Proxy(inner, {
      get(target, name, receiver) {
        if (name === 'sessionChannel') return fake.channel;
        const value = Reflect.get(target, name, receiver) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
    const auth = createLatchkey({ store });
    const { session, user } = await signIn(auth);
    await auth.invalidateSession(session.id);
    await auth.invalidateUserSessions(user.id, { except: 'keep' });
    await auth.updateUserAttributes(user.id, { name: 'x' });
    await auth.deleteUser(user.id);
    assert.deepEqual(fake.published, [
      { sessionId: session.id },
      { userId: user.id, exceptSessionId: 'keep' },
      { userId: user.id },
      { userId: user.id },
    ]);
    const silent = createLatchkey({ store, sessionCache: { channel: null } });
    await silent.invalidateSession('x');
    assert.equal(fake.published.length, 4, 'channel: null publishes nothing');
  });

  it('rejects bad options', () => {
    const store = memoryStore();
    for (const sessionCache of [
      { ttl: 0 },
      { ttl: 61_000 },
      { maxEntries: 0 },
      { maxEntries: 1.5 },
    ]) {
      assert.throws(() => createLatchkey({ store, sessionCache }), TypeError);
    }
  });
});
