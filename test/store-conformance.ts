// The one conformance suite every store runs on its real engine. Each store's test file calls
// `storeConformance(name, open)`; `open` returns a fresh, migrated, empty store.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { AccountExistsError, createLatchkey, LatchkeyError, type Store } from '../src/index.ts';

export interface ConformanceOptions {
  /** Stores whose users live elsewhere (the Redis session store) skip nothing; flag kept for docs. */
  sessionsOnly?: boolean;
}

export function storeConformance(name: string, open: () => Promise<Store>): void {
  describe(`store conformance: ${name}`, () => {
    let store: Store;
    let now = Date.now();
    const clock = () => now;
    const auth = () =>
      createLatchkey<{ username: string; n?: number }, { userAgent?: string }>({
        store,
        now: clock,
        session: { idleTimeout: 60_000, absoluteTimeout: 300_000, renewInterval: 10_000 },
      });

    before(async () => {
      store = await open();
    });
    after(async () => {
      await store.close();
    });

    it('creates a user with its first account and finds it by id and by account', async () => {
      const a = auth();
      const user = await a.createUser({
        attributes: { username: 'ada' },
        account: { providerId: 'github', providerUserId: '101' },
      });
      assert.equal((await a.getUser(user.id))?.attributes.username, 'ada');
      const byAccount = await a.getUserByAccount({ providerId: 'github', providerUserId: '101' });
      assert.equal(byAccount?.id, user.id);
      assert.equal(await a.getUserByAccount({ providerId: 'gitlab', providerUserId: '101' }), null);
      // The issuer is part of the key: the same id at another issuer is another account.
      assert.equal(
        await a.getUserByAccount({
          providerId: 'github',
          providerUserId: '101',
          issuer: 'https://ghe.example',
        }),
        null,
      );
      assert.equal(await a.getUser('nope'), null);
    });

    it('keeps non-ASCII attributes intact', async () => {
      const a = auth();
      const user = await a.createUser({ attributes: { username: 'Zoë 😀 名前' } });
      assert.equal((await a.getUser(user.id))?.attributes.username, 'Zoë 😀 名前');
    });

    it('links, lists and unlinks accounts; a linked account cannot be linked twice', async () => {
      const a = auth();
      const user = await a.createUser({ attributes: { username: 'lin' } });
      const other = await a.createUser({ attributes: { username: 'other' } });
      now += 1;
      await a.linkAccount(user.id, { providerId: 'github', providerUserId: 'l1' });
      now += 1;
      await a.linkAccount(user.id, {
        providerId: 'oidc',
        providerUserId: 'sub-1',
        issuer: 'https://idp',
      });
      const accounts = await a.getUserAccounts(user.id);
      assert.deepEqual(
        accounts.map((x) => [x.providerId, x.issuer, x.providerUserId]),
        [
          ['github', '', 'l1'],
          ['oidc', 'https://idp', 'sub-1'],
        ],
      );
      await assert.rejects(
        a.linkAccount(other.id, { providerId: 'github', providerUserId: 'l1' }),
        AccountExistsError,
      );
      assert.equal(await a.unlinkAccount({ providerId: 'github', providerUserId: 'l1' }), true);
      assert.equal(await a.unlinkAccount({ providerId: 'github', providerUserId: 'l1' }), false);
      assert.equal((await a.getUserAccounts(user.id)).length, 1);
    });

    it('creating a user with an existing account fails typed and writes nothing', async () => {
      const a = auth();
      await a.createUser({
        attributes: { username: 'first' },
        account: { providerId: 'github', providerUserId: 'dup' },
      });
      const err = await a
        .createUserWithSession({
          attributes: { username: 'second' },
          account: { providerId: 'github', providerUserId: 'dup' },
        })
        .catch((e: unknown) => e);
      assert.ok(err instanceof AccountExistsError);
      assert.equal(err.code, 'account_exists');
      const owner = await a.getUserByAccount({ providerId: 'github', providerUserId: 'dup' });
      assert.equal(owner?.attributes.username, 'first');
    });

    it('two concurrent creations of the same account produce exactly one user', async () => {
      const a = auth();
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          a.createUserWithSession({
            attributes: { username: `racer${i}` },
            account: { providerId: 'github', providerUserId: 'race' },
          }),
        ),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r) => r.status === 'rejected');
      assert.equal(ok.length, 1);
      for (const f of failed)
        assert.ok((f as PromiseRejectedResult).reason instanceof AccountExistsError);
      const winner = (ok[0] as PromiseFulfilledResult<{ user: { id: string } }>).value.user;
      const found = await a.getUserByAccount({ providerId: 'github', providerUserId: 'race' });
      assert.equal(found?.id, winner.id);
      // Only the winner's session exists.
      assert.equal((await a.getUserSessions(winner.id)).length, 1);
    });

    it('updates attributes and deletes a user with its accounts and sessions', async () => {
      const a = auth();
      const user = await a.createUser({
        attributes: { username: 'u' },
        account: { providerId: 'x', providerUserId: 'del' },
      });
      const updated = await a.updateUserAttributes(user.id, { username: 'u2', n: 2 });
      assert.deepEqual(updated?.attributes, { username: 'u2', n: 2 });
      assert.equal(await a.updateUserAttributes('missing', { username: 'z' }), null);
      const { token } = await a.createSession({ userId: user.id });
      await a.deleteUser(user.id);
      assert.equal(await a.getUser(user.id), null);
      assert.equal(await a.getUserByAccount({ providerId: 'x', providerUserId: 'del' }), null);
      assert.equal(await a.validateSession(token), null);
      assert.equal(await a.getAccount({ providerId: 'x', providerUserId: 'del' }), null);
    });

    it('creates and validates sessions; only the hash of the secret is stored', async () => {
      const a = auth();
      const user = await a.createUser({ attributes: { username: 's' } });
      const { session, token } = await a.createSession({
        userId: user.id,
        attributes: { userAgent: 'ua/1' },
      });
      assert.match(token, /^lks_[a-z2-7]{24}\.[a-z2-7]{32}$/);
      const result = await a.validateSession(token);
      assert.equal(result?.session.id, session.id);
      assert.equal(result?.user.id, user.id);
      assert.equal(result?.session.attributes.userAgent, 'ua/1');
      assert.equal(result?.session.fresh, false);
      const row = await store.getSessionAndUser(session.id);
      assert.ok(row);
      assert.equal(row.session.secretHash.length, 32);
      assert.ok(
        !JSON.stringify({ ...row.session, secretHash: [...row.session.secretHash] }).includes(
          token.split('.')[1]!,
        ),
      );
      // Wrong secret, same id.
      const forged = token.slice(0, -4) + (token.endsWith('aaaa') ? 'bbbb' : 'aaaa');
      assert.equal(await a.validateSession(forged), null);
    });

    it('creating a session for an unknown user fails typed', async () => {
      const a = auth();
      const err = await a.createSession({ userId: 'no-such-user' }).catch((e: unknown) => e);
      assert.ok(err instanceof LatchkeyError);
      assert.ok(err.code === 'user_not_found' || err.code === 'store_error', err.code);
    });

    it('renews at most once per interval, never past the absolute expiry, and expires when idle', async () => {
      const a = auth();
      const user = await a.createUser({ attributes: { username: 'r' } });
      const start = now;
      const { token } = await a.createSession({ userId: user.id });
      now = start + 5_000;
      assert.equal((await a.validateSession(token))?.session.fresh, false);
      now = start + 10_000;
      const renewed = await a.validateSession(token);
      assert.equal(renewed?.session.fresh, true);
      assert.equal(renewed?.session.expiresAt.getTime(), start + 10_000 + 60_000);
      now = start + 15_000;
      assert.equal((await a.validateSession(token))?.session.fresh, false);
      // Keep it alive until the absolute limit caps the idle expiry.
      for (let t = start + 50_000; t < start + 300_000; t += 50_000) {
        now = t;
        const r = await a.validateSession(token);
        assert.ok(r);
        assert.ok(r.session.expiresAt.getTime() <= start + 300_000);
      }
      now = start + 300_000;
      assert.equal(await a.validateSession(token), null);
      // Idle expiry.
      now += 1;
      const second = await a.createSession({ userId: user.id });
      now += 60_000;
      assert.equal(await a.validateSession(second.token), null);
      now += 1;
    });

    it('lists, invalidates one, all but current and all sessions; purges expired', async () => {
      const a = auth();
      const user = await a.createUser({ attributes: { username: 'l' } });
      const s1 = await a.createSession({ userId: user.id, attributes: { userAgent: 'one' } });
      now += 1;
      const s2 = await a.createSession({ userId: user.id, attributes: { userAgent: 'two' } });
      now += 1;
      const s3 = await a.createSession({ userId: user.id });
      const listed = await a.getUserSessions(user.id);
      assert.deepEqual(
        listed.map((s) => s.id),
        [s3.session.id, s2.session.id, s1.session.id],
      );
      assert.equal(listed[1]?.attributes.userAgent, 'two');
      await a.invalidateSession(s1.session.id);
      assert.equal(await a.validateSession(s1.token), null);
      await a.invalidateUserSessions(user.id, { except: s3.session.id });
      assert.equal(await a.validateSession(s2.token), null);
      assert.ok(await a.validateSession(s3.token));
      await a.invalidateUserSessions(user.id);
      assert.equal(await a.validateSession(s3.token), null);

      const old = await a.createSession({ userId: user.id });
      now += 61_000;
      const purged = await a.deleteExpiredSessions();
      assert.ok(purged >= 1);
      assert.equal(await store.getSessionAndUser(old.session.id), null);
    });

    it('compare-and-swaps account tokens', async () => {
      const a = auth();
      await a.createUser({
        attributes: { username: 't' },
        account: { providerId: 'gh', providerUserId: 'cas' },
      });
      assert.equal(await store.updateAccountTokens('gh', '', 'cas', 0, 'sealed-1', false), true);
      assert.equal(await store.updateAccountTokens('gh', '', 'cas', 0, 'sealed-2', false), false);
      const row = await store.getAccount('gh', '', 'cas');
      assert.equal(row?.tokens, 'sealed-1');
      assert.equal(row?.tokensVersion, 1);
      assert.equal(await store.updateAccountTokens('gh', '', 'cas', 1, null, true), true);
      const after = await store.getAccount('gh', '', 'cas');
      assert.equal(after?.needsReauth, true);
      assert.equal(after?.tokens, null);
      assert.equal(await store.updateAccountTokens('gh', '', 'missing', 0, 'x', false), false);
      // Concurrent writers with the same expected version: exactly one wins.
      const wins = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          store.updateAccountTokens('gh', '', 'cas', 2, `w${i}`, false),
        ),
      );
      assert.equal(wins.filter(Boolean).length, 1);
    });

    it('lists the accounts holding tokens, page by page in key order', async () => {
      const a = auth();
      const user = await a.createUser({ attributes: { username: 'pages' } });
      const keys = [
        { providerId: 'pg-b', issuer: '', providerUserId: '1' },
        { providerId: 'pg-a', issuer: 'https://x', providerUserId: '2' },
        { providerId: 'pg-a', issuer: '', providerUserId: '3' },
        { providerId: 'pg-a', issuer: '', providerUserId: '10' },
      ];
      for (const key of keys) await a.linkAccount(user.id, key);
      await a.linkAccount(user.id, { providerId: 'pg-a', providerUserId: 'no-tokens' });
      for (const key of keys) {
        assert.ok(
          await store.updateAccountTokens(
            key.providerId,
            key.issuer,
            key.providerUserId,
            0,
            'sealed',
            false,
          ),
        );
      }
      const seen: string[] = [];
      let after: { providerId: string; issuer: string; providerUserId: string } | null = null;
      for (;;) {
        const page: Awaited<ReturnType<Store['listAccountsWithTokens']>> =
          await store.listAccountsWithTokens(after, 2);
        assert.ok(page.length <= 2);
        if (page.length === 0) break;
        for (const row of page)
          if (row.providerId.startsWith('pg-'))
            seen.push(`${row.providerId}|${row.issuer}|${row.providerUserId}`);
        after = page[page.length - 1]!;
      }
      assert.deepEqual(seen, ['pg-a||10', 'pg-a||3', 'pg-a|https://x|2', 'pg-b||1']);
    });

    it('temporary records: keyspaces, TTL, add-if-absent, single take, counters', async () => {
      const t = Date.now();
      await store.setTemp('flow', 'k1', 'v1', t + 60_000);
      assert.equal(await store.getTemp('flow', 'k1'), 'v1');
      assert.equal(await store.getTemp('code', 'k1'), null, 'kinds are separate keyspaces');
      assert.equal(await store.addTemp('flow', 'k1', 'v2', t + 60_000), false);
      assert.equal(await store.addTemp('flow', 'k2', 'v2', t + 60_000), true);
      const takes = await Promise.all([
        store.takeTemp('flow', 'k1'),
        store.takeTemp('flow', 'k1'),
        store.takeTemp('flow', 'k1'),
      ]);
      assert.deepEqual(
        takes.filter((x) => x !== null),
        ['v1'],
      );
      assert.equal(await store.getTemp('flow', 'k1'), null);
      await store.deleteTemp('flow', 'k2');
      assert.equal(await store.getTemp('flow', 'k2'), null);
      // Expired records are never returned, and can be re-added.
      await store.setTemp('flow', 'old', 'x', t - 1);
      assert.equal(await store.getTemp('flow', 'old'), null);
      assert.equal(await store.takeTemp('flow', 'old'), null);
      assert.equal(await store.addTemp('flow', 'old', 'y', t + 60_000), true);
      const counts = await Promise.all(
        Array.from({ length: 10 }, () => store.incrementCounter('rate', 'ip', t + 60_000)),
      );
      assert.deepEqual(
        counts.map((c) => c.count).sort((x, y) => x - y),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      );
      const expired = await store.incrementCounter('rate', 'gone', t - 1);
      assert.equal(expired.count, 1);
      assert.equal(
        (await store.incrementCounter('rate', 'gone', t + 60_000)).count,
        1,
        'an expired window restarts',
      );
      await store.deleteExpired(t);
      assert.equal(await store.getTemp('flow', 'old'), 'y');
    });
  });
}
