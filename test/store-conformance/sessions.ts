// The sessions part of the store contract (`SessionStore`), over whatever part keeps the users:
// a first sign-in writes user, account and session all or nothing, deleting a user ends its
// sessions, and sessions validate, renew, list, end and expire.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccountExistsError, LatchkeyError } from '../../src/index.ts';
import { suiteContext, type OpenStore } from './harness.ts';

/** Runs the sessions suite on a store `open` returns fresh. */
export function sessionStoreConformance(name: string, open: OpenStore): void {
  describe(`session store conformance: ${name}`, () => {
    const c = suiteContext(open);

    it('creating a user with an existing account fails typed and writes nothing', async () => {
      const a = c.auth();
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
      const a = c.auth();
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

    it('deleting a user deletes its accounts and sessions', async () => {
      const a = c.auth();
      const user = await a.createUser({
        attributes: { username: 'u' },
        account: { providerId: 'x', providerUserId: 'del' },
      });
      const { token } = await a.createSession({ userId: user.id });
      await a.deleteUser(user.id);
      assert.equal(await a.getUser(user.id), null);
      assert.equal(await a.getUserByAccount({ providerId: 'x', providerUserId: 'del' }), null);
      assert.equal(await a.validateSession(token), null);
      assert.equal(await a.getAccount({ providerId: 'x', providerUserId: 'del' }), null);
    });

    it('creates and validates sessions; only the hash of the secret is stored', async () => {
      const a = c.auth();
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
      const row = await c.store.getSessionAndUser(session.id);
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
      const a = c.auth();
      const err = await a.createSession({ userId: 'no-such-user' }).catch((e: unknown) => e);
      assert.ok(err instanceof LatchkeyError);
      assert.ok(err.code === 'user_not_found' || err.code === 'store_error', err.code);
    });

    it('renews at most once per interval, never past the absolute expiry, and expires when idle', async () => {
      const a = c.auth();
      const user = await a.createUser({ attributes: { username: 'r' } });
      const start = c.now;
      const { token } = await a.createSession({ userId: user.id });
      c.now = start + 5_000;
      assert.equal((await a.validateSession(token))?.session.fresh, false);
      c.now = start + 10_000;
      const renewed = await a.validateSession(token);
      assert.equal(renewed?.session.fresh, true);
      assert.equal(renewed?.session.expiresAt.getTime(), start + 10_000 + 60_000);
      c.now = start + 15_000;
      assert.equal((await a.validateSession(token))?.session.fresh, false);
      // Keep it alive until the absolute limit caps the idle expiry.
      for (let t = start + 50_000; t < start + 300_000; t += 50_000) {
        c.now = t;
        const r = await a.validateSession(token);
        assert.ok(r);
        assert.ok(r.session.expiresAt.getTime() <= start + 300_000);
      }
      c.now = start + 300_000;
      assert.equal(await a.validateSession(token), null);
      // Idle expiry.
      c.now += 1;
      const second = await a.createSession({ userId: user.id });
      c.now += 60_000;
      assert.equal(await a.validateSession(second.token), null);
      c.now += 1;
    });

    it('lists, invalidates one, all but current and all sessions; purges expired', async () => {
      const a = c.auth();
      const user = await a.createUser({ attributes: { username: 'l' } });
      const s1 = await a.createSession({ userId: user.id, attributes: { userAgent: 'one' } });
      c.now += 1;
      const s2 = await a.createSession({ userId: user.id, attributes: { userAgent: 'two' } });
      c.now += 1;
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
      c.now += 61_000;
      const purged = await a.deleteExpiredSessions();
      assert.ok(purged >= 1);
      assert.equal(await c.store.getSessionAndUser(old.session.id), null);
    });

    it('deleteExpired purges a session its absolute expiry ended, though kept renewed', async () => {
      const a = c.auth();
      const user = await a.createUser({ attributes: { username: 'renewed' } });
      const kept = await a.createSession({ userId: user.id });
      // Renewed every 50 s (idle timeout 60 s) up to 250 s, where the absolute expiry (300 s)
      // caps the idle expiry.
      for (let i = 0; i < 5; i++) {
        c.now += 50_000;
        assert.ok(await a.validateSession(kept.token));
      }
      const row = (await c.store.getSessionAndUser(kept.session.id))!.session;
      assert.equal(row.expiresAt, row.absoluteExpiresAt, 'renewal stops at the absolute expiry');
      await c.store.deleteExpired(row.absoluteExpiresAt - 1); // other tests' sessions go
      assert.ok(await c.store.getSessionAndUser(kept.session.id), 'not expired yet');
      assert.equal(await c.store.deleteExpired(row.absoluteExpiresAt), 1);
      assert.equal(await c.store.getSessionAndUser(kept.session.id), null);
    });
  });
}
