// The users-and-accounts part of the store contract (`UserStore`): users, linked accounts,
// account keys with and without an issuer, and the sealed-token compare-and-swap.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccountExistsError, type AccountKey, type Store } from '../../src/index.ts';
import { suiteContext, type OpenStore } from './harness.ts';

/** Runs the users-and-accounts suite on a store `open` returns fresh. */
export function userStoreConformance(name: string, open: OpenStore): void {
  describe(`user store conformance: ${name}`, () => {
    const c = suiteContext(open);

    it('creates a user with its first account and finds it by id and by account', async () => {
      const a = c.auth();
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
      const a = c.auth();
      const user = await a.createUser({ attributes: { username: 'Zoë 😀 名前' } });
      assert.equal((await a.getUser(user.id))?.attributes.username, 'Zoë 😀 名前');
    });

    it('links, lists and unlinks accounts; a linked account cannot be linked twice', async () => {
      const a = c.auth();
      const user = await a.createUser({ attributes: { username: 'lin' } });
      const other = await a.createUser({ attributes: { username: 'other' } });
      c.now += 1;
      await a.linkAccount(user.id, { providerId: 'github', providerUserId: 'l1' });
      c.now += 1;
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

    it('updates attributes and deletes a user with its accounts', async () => {
      const a = c.auth();
      const user = await a.createUser({
        attributes: { username: 'u' },
        account: { providerId: 'x', providerUserId: 'del' },
      });
      const updated = await a.updateUserAttributes(user.id, { username: 'u2', n: 2 });
      assert.deepEqual(updated?.attributes, { username: 'u2', n: 2 });
      assert.equal(await a.updateUserAttributes('missing', { username: 'z' }), null);
      await a.deleteUser(user.id);
      assert.equal(await a.getUser(user.id), null);
      assert.equal(await a.getUserByAccount({ providerId: 'x', providerUserId: 'del' }), null);
      assert.equal(await a.getAccount({ providerId: 'x', providerUserId: 'del' }), null);
    });

    it('compare-and-swaps account tokens', async () => {
      const a = c.auth();
      await a.createUser({
        attributes: { username: 't' },
        account: { providerId: 'gh', providerUserId: 'cas' },
      });
      const cas = { providerId: 'gh', issuer: '', providerUserId: 'cas' };
      const write = (expectedVersion: number, tokens: string | null, needsReauth = false) =>
        c.store.updateAccountTokens(cas, { expectedVersion, tokens, needsReauth });
      assert.equal(await write(0, 'sealed-1'), true);
      assert.equal(await write(0, 'sealed-2'), false);
      const row = await c.store.getAccount(cas);
      assert.equal(row?.tokens, 'sealed-1');
      assert.equal(row?.tokensVersion, 1);
      assert.equal(await write(1, null, true), true);
      const after = await c.store.getAccount(cas);
      assert.equal(after?.needsReauth, true);
      assert.equal(after?.tokens, null);
      const missing = { ...cas, providerUserId: 'missing' };
      const update = { expectedVersion: 0, tokens: 'x', needsReauth: false };
      assert.equal(await c.store.updateAccountTokens(missing, update), false);
      // Concurrent writers with the same expected version: exactly one wins.
      const wins = await Promise.all(Array.from({ length: 6 }, (_, i) => write(2, `w${i}`)));
      assert.equal(wins.filter(Boolean).length, 1);
    });

    it('lists the accounts holding tokens, page by page in key order', async () => {
      const a = c.auth();
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
        const update = { expectedVersion: 0, tokens: 'sealed', needsReauth: false };
        assert.ok(await c.store.updateAccountTokens(key, update));
      }
      const seen: string[] = [];
      let after: Required<AccountKey> | null = null;
      for (;;) {
        const page: Awaited<ReturnType<Store['listAccountsWithTokens']>> =
          await c.store.listAccountsWithTokens(after, 2);
        assert.ok(page.length <= 2);
        if (page.length === 0) break;
        for (const row of page)
          if (row.providerId.startsWith('pg-'))
            seen.push(`${row.providerId}|${row.issuer}|${row.providerUserId}`);
        after = page[page.length - 1]!;
      }
      assert.deepEqual(seen, ['pg-a||10', 'pg-a||3', 'pg-a|https://x|2', 'pg-b||1']);
    });
  });
}
