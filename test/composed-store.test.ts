// A whole store composed from parts kept by different engines (`composeStore`): the parts'
// suites pass through the composition, and the operations that span parts behave as one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { composeStore, createLatchkey, StoreError } from '../src/index.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { countingStore } from './counting-store.ts';
import { storeConformance } from './store-conformance.ts';

// Users and sessions in one engine (its sessions join its users), short-lived records in another.
storeConformance('composed: memory users and sessions + memory short-lived', async () => {
  const main = memoryStore();
  return composeStore({ users: main, sessions: main, shortLived: memoryStore() });
});

describe('composed store specifics', () => {
  it('passes the session lookup straight through: a synchronous part stays synchronous', async () => {
    const main = memoryStore();
    const store = composeStore({ users: main, sessions: main, shortLived: main });
    assert.equal(store.getSessionAndUser('nope'), null, 'a plain value, not a promise');
  });

  it('a failed session write deletes the just-created user and throws StoreError', async () => {
    const main = countingStore(memoryStore());
    const store = composeStore({ users: main.store, sessions: main.store, shortLived: main.store });
    const auth = createLatchkey({ store });
    main.failNext('createSession');
    const account = { providerId: 'gh', providerUserId: 'c' };
    const err = await auth
      .createUserWithSession({ attributes: {}, account })
      .catch((e: unknown) => e);
    assert.ok(err instanceof StoreError, String(err));
    assert.equal(err.message, 'The store failed during createUser');
    assert.equal(await auth.getUserByAccount(account), null, 'no user or account left');
    assert.equal(main.calls.get('deleteUser'), 1);
    // A retry starts from nothing.
    const { user } = await auth.createUserWithSession({ attributes: {}, account });
    assert.equal((await auth.getUserSessions(user.id)).length, 1);
  });

  it('purges and closes the session and short-lived parts once each, never the users part', async () => {
    const users = countingStore(memoryStore());
    const sessions = countingStore(memoryStore());
    const store = composeStore({
      users: users.store,
      sessions: sessions.store,
      shortLived: sessions.store,
    });
    await store.deleteExpired(Date.now());
    await store.close();
    assert.equal(sessions.calls.get('deleteExpired'), 1);
    assert.equal(sessions.calls.get('close'), 1);
    assert.equal(users.calls.get('deleteExpired'), undefined);
    assert.equal(users.calls.get('close'), undefined);
    const shortLived = countingStore(memoryStore());
    const split = composeStore({
      users: users.store,
      sessions: sessions.store,
      shortLived: shortLived.store,
    });
    await split.deleteExpired(Date.now());
    await split.close();
    assert.equal(shortLived.calls.get('deleteExpired'), 1);
    assert.equal(shortLived.calls.get('close'), 1);
  });

  it('rejects a missing part', () => {
    const main = memoryStore();
    assert.throws(
      () => composeStore({ users: main, sessions: main } as never),
      /"shortLived" store part is required/,
    );
  });
});
