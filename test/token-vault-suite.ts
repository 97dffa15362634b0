// The token vault's behaviour, run on every store (memory, SQLite, PostgreSQL) against the
// GitHub double: sealing, single-flight refresh, rotation, dead refresh tokens, faults.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLatchkey, StoreError, type AccountKey, type Store } from '../src/index.ts';
import {
  createTokenVault,
  generateTokenKey,
  ReauthorizationRequiredError,
  TokenDecryptionError,
  TokenRefreshError,
  type ReauthorizationEvent,
  type RefreshEvent,
  type TokenVaultOptions,
} from '../src/tokens/index.ts';
import { answerError } from '../src/http/error-policy.ts';
import { startGitHubWorld, type GitHubWorld } from './token-fixtures.ts';

const HOUR = 3_600_000;
const K1 = { id: 'k1', key: generateTokenKey() };
const K2 = { id: 'k2', key: generateTokenKey() };

/** A store whose token writes fail while `failWrites > 0` (a database outage). */
function faultyStore(inner: Store): Store & { failWrites: number } {
  const state = { failWrites: 0 };
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'failWrites') return state.failWrites;
      if (prop === 'updateAccountTokens') {
        return async (...args: Parameters<Store['updateAccountTokens']>) => {
          if (state.failWrites > 0) {
            state.failWrites--;
            throw new StoreError('updateAccountTokens', { cause: new Error('connection reset') });
          }
          return target.updateAccountTokens(...args);
        };
      }
      // Getters run on the store itself: its private fields (`#pool`) are not on the proxy.
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(_target, prop, value) {
      if (prop !== 'failWrites') return false;
      state.failWrites = value as number;
      return true;
    },
  }) as Store & { failWrites: number };
}

export function tokenVaultSuite(name: string, open: () => Promise<Store>): void {
  describe(`token vault on ${name}`, () => {
    let world: GitHubWorld;
    let store: Store & { failWrites: number };
    let n = 0;

    before(async () => {
      world = await startGitHubWorld();
      store = faultyStore(await open());
    });
    after(async () => {
      await store.close();
      await world.close();
    });

    const vaultFor = (extra: Partial<TokenVaultOptions> = {}) =>
      createTokenVault({
        store,
        providers: [world.app],
        keys: [K1],
        now: world.now,
        ...extra,
      });

    /** A fresh user + account signed in at the double; tokens saved in the vault. */
    async function signedIn(login = 'ada', vault = vaultFor(), app = world.app) {
      const auth = createLatchkey({ store });
      const account: AccountKey = { providerId: 'github', providerUserId: `${login}-${++n}` };
      const user = await auth.createUser({ attributes: {}, account });
      const tokens = await world.signIn(login, app);
      assert.equal(await vault.saveTokens(account, tokens), true);
      return { account, user, tokens, vault };
    }

    const row = (a: AccountKey) => store.getAccount({ ...a, issuer: a.issuer ?? '' });

    it('seals tokens at rest and opens them again', async () => {
      const { account, tokens, vault } = await signedIn();
      const stored = (await row(account))!;
      assert.match(stored.tokens!, /^v1\.k1\.[\w-]+\.[\w-]+$/);
      assert.ok(!stored.tokens!.includes(tokens.accessToken));
      assert.ok(!stored.tokens!.includes(tokens.refreshToken!));
      const opened = await vault.getTokens(account);
      assert.equal(opened?.accessToken, tokens.accessToken);
      assert.equal(opened?.refreshToken, tokens.refreshToken);
      assert.equal(opened?.accessTokenExpiresAt?.getTime(), tokens.accessTokenExpiresAt?.getTime());
    });

    it('returns the stored token while it is fresh, without contacting GitHub', async () => {
      const { account, user, tokens, vault } = await signedIn();
      const before = world.double.stats.refreshes;
      assert.equal(await vault.getAccessTokenForAccount(account), tokens.accessToken);
      assert.equal(await vault.getAccessToken(user.id, 'github'), tokens.accessToken);
      assert.equal(await vault.getAccessToken(user.id, 'gitlab'), null);
      assert.equal(world.double.stats.refreshes, before);
    });

    it('50 concurrent callers after expiry cause exactly one refresh and all get the new token', async () => {
      const events: RefreshEvent[] = [];
      const vault = vaultFor({ onRefresh: (e) => events.push(e) });
      const { account, tokens } = await signedIn('bob', vault);
      world.advance(8 * HOUR);
      const before = world.double.stats.refreshes;
      const results = await Promise.all(
        Array.from({ length: 50 }, () => vault.getAccessTokenForAccount(account)),
      );
      assert.equal(world.double.stats.refreshes - before, 1);
      assert.equal(new Set(results).size, 1);
      const fresh = results[0]!;
      assert.notEqual(fresh, tokens.accessToken);
      assert.equal(world.double.isTokenActive(fresh), true);
      // GitHub's rotation: the old access token and the old refresh token are dead now.
      assert.equal(world.double.isTokenActive(tokens.accessToken), false);
      await assert.rejects(world.app.refreshAccessToken(tokens.refreshToken!), {
        error: 'bad_refresh_token',
      });
      const stored = await vault.getTokens(account);
      assert.equal(stored?.accessToken, fresh);
      assert.notEqual(stored?.refreshToken, tokens.refreshToken);
      assert.equal(events.length, 1);
      assert.deepEqual(events[0]!.account, { ...account, issuer: '' });
      assert.ok(!JSON.stringify(events).includes(fresh));
    });

    it('two vaults sharing the store (two processes) refresh once through the lease', async () => {
      const a = vaultFor();
      const b = vaultFor();
      const { account } = await signedIn('cy', a);
      world.advance(8 * HOUR);
      const before = world.double.stats.refreshes;
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).getAccessTokenForAccount(account)),
      );
      assert.equal(world.double.stats.refreshes - before, 1);
      assert.equal(new Set(results).size, 1);
      assert.equal(world.double.isTokenActive(results[0]!), true);
    });

    it('refreshes within the margin before expiry, and on demand', async () => {
      const vault = vaultFor({ refreshMargin: 5 * 60_000 });
      const { account, tokens } = await signedIn('dee', vault);
      world.advance(8 * HOUR - 4 * 60_000);
      const before = world.double.stats.refreshes;
      const fresh = await vault.getAccessTokenForAccount(account);
      assert.notEqual(fresh, tokens.accessToken);
      const manual = await vault.refreshTokens(account);
      assert.notEqual(manual?.accessToken, fresh);
      assert.equal(world.double.stats.refreshes - before, 2);
      assert.equal(await vault.getAccessTokenForAccount(account), manual?.accessToken);
    });

    it('a dead refresh token marks the account, fires once, and later calls fail fast', async () => {
      const events: ReauthorizationEvent[] = [];
      const vault = vaultFor({ onReauthorizationRequired: (e) => events.push(e) });
      const { account, tokens } = await signedIn('eve', vault);
      // Someone else spent the refresh token (GitHub rotates on use).
      await world.app.refreshAccessToken(tokens.refreshToken!);
      world.advance(8 * HOUR);
      const before = world.double.stats.refreshes;
      await assert.rejects(vault.getAccessTokenForAccount(account), (e: unknown) => {
        assert.ok(e instanceof ReauthorizationRequiredError);
        assert.equal(e.code, 'reauthorization_required');
        assert.equal(e.reason, 'refresh_token_rejected');
        assert.ok(!e.message.includes(tokens.refreshToken!));
        return true;
      });
      assert.equal((await row(account))?.needsReauth, true);
      await assert.rejects(vault.getAccessTokenForAccount(account), { reason: 'marked' });
      await assert.rejects(vault.refreshTokens(account), { reason: 'marked' });
      assert.equal(world.double.stats.refreshes - before, 1);
      assert.equal(events.length, 1);
      // New tokens (a new sign-in) clear the mark.
      const again = await world.signIn('eve');
      await vault.saveTokens(account, again);
      assert.equal((await row(account))?.needsReauth, false);
      assert.equal(await vault.getAccessTokenForAccount(account), again.accessToken);
    });

    it('a refresh token past refresh_token_expires_in is not even sent', async () => {
      const { account, vault } = await signedIn('ada');
      world.advance(185 * 24 * HOUR);
      const before = world.double.stats.tokenRequests;
      await assert.rejects(vault.getAccessTokenForAccount(account), {
        reason: 'refresh_token_expired',
      });
      assert.equal(world.double.stats.tokenRequests, before);
    });

    it('a lost refresh response fails typed; the next attempt finds the token spent; no loop', async () => {
      const { account, tokens, vault } = await signedIn('bob');
      world.advance(8 * HOUR);
      world.double.dropNextRefreshResponse();
      const before = world.double.stats.refreshes;
      await assert.rejects(vault.getAccessTokenForAccount(account), TokenRefreshError);
      assert.equal((await vault.getTokens(account))?.refreshToken, tokens.refreshToken);
      await assert.rejects(vault.getAccessTokenForAccount(account), {
        reason: 'refresh_token_rejected',
      });
      await assert.rejects(vault.getAccessTokenForAccount(account), { reason: 'marked' });
      assert.equal(world.double.stats.refreshes - before, 2);
    });

    it('a provider 5xx or HTTP-200 error body is a TokenRefreshError and marks nothing', async () => {
      const { account, tokens, vault } = await signedIn('cy');
      world.advance(8 * HOUR);
      world.double.failNext('token', { status: 502, body: 'bad gateway' });
      await assert.rejects(vault.getAccessTokenForAccount(account), TokenRefreshError);
      world.double.failNext('token', { status: 200, body: { error: 'server_error' } });
      await assert.rejects(vault.getAccessTokenForAccount(account), TokenRefreshError);
      assert.equal((await row(account))?.needsReauth, false);
      const fresh = await vault.getAccessTokenForAccount(account);
      assert.notEqual(fresh, tokens.accessToken);
    });

    it('a store outage while saving a rotation: StoreError, then the kept tokens are written', async () => {
      const { account, tokens, vault } = await signedIn('dee');
      world.advance(8 * HOUR);
      // One failed write is absorbed by the retry.
      store.failWrites = 1;
      const first = await vault.getAccessTokenForAccount(account);
      assert.notEqual(first, tokens.accessToken);
      assert.equal((await vault.getTokens(account))?.accessToken, first);
      // A longer outage: the call fails typed; the rotated set is kept in this process.
      world.advance(8 * HOUR);
      store.failWrites = 10;
      const before = world.double.stats.refreshes;
      await assert.rejects(vault.getAccessTokenForAccount(account), StoreError);
      assert.equal(world.double.stats.refreshes - before, 1);
      store.failWrites = 0;
      const recovered = await vault.getAccessTokenForAccount(account);
      assert.equal(world.double.stats.refreshes - before, 1, 'no second refresh');
      assert.equal(world.double.isTokenActive(recovered!), true);
      assert.equal((await vault.getTokens(account))?.accessToken, recovered);
      // And the stored refresh token is the live one.
      world.advance(8 * HOUR);
      assert.notEqual(await vault.getAccessTokenForAccount(account), recovered);
    });

    it('another process waiting out a lease held through an outage gets a retryable 503', async () => {
      const { account, vault } = await signedIn('eve');
      world.advance(8 * HOUR);
      // This process refreshes, cannot save the rotated set, and keeps the lease meanwhile.
      store.failWrites = 1_000;
      await assert.rejects(vault.getAccessTokenForAccount(account), StoreError);
      // Another process finds the lease held and the row unchanged until its wait runs out
      // (the holder's background attempts keep failing: the outage goes on).
      const other = vaultFor({ waitTimeout: 200 });
      const error = await other.getAccessTokenForAccount(account).catch((e: unknown) => e);
      store.failWrites = 0;
      assert.ok(error instanceof TokenRefreshError, String(error));
      assert.equal(error.retryable, true);
      const answer = answerError({ error: () => {} }, error);
      assert.equal(answer.status, 503);
      assert.equal(answer.headers.get('retry-after'), '1');
      assert.equal(((await answer.json()) as { error: string }).error, 'refresh_pending');
      // The holder writes its kept set first thing; then the other process reads it.
      const recovered = await vault.getAccessTokenForAccount(account);
      assert.equal(await other.getAccessTokenForAccount(account), recovered);
      // A provider failure is not retryable.
      assert.equal(new TokenRefreshError('github', 'provider 500').retryable, false);
    });

    it('the holder records its kept rotation by itself once the store is back; waiters get it', async () => {
      const { account, vault } = await signedIn('cy');
      world.advance(8 * HOUR);
      store.failWrites = 1_000;
      await assert.rejects(vault.getAccessTokenForAccount(account), StoreError);
      const before = world.double.stats.refreshes;
      // Another process starts waiting on the lease during the outage...
      const other = vaultFor({ waitTimeout: 10_000 });
      const started = performance.now();
      const waiting = other.getAccessTokenForAccount(account);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // ...and the store comes back. The holder is never called again.
      store.failWrites = 0;
      const got = await waiting;
      const waited = performance.now() - started;
      assert.ok(waited < 6_000, `waited ${Math.round(waited)} ms for the kept rotation`);
      assert.equal(world.double.stats.refreshes, before, 'no second refresh');
      assert.equal(world.double.isTokenActive(got!), true);
      assert.equal((await vault.getTokens(account))?.accessToken, got);
    });

    it('non-expiring OAuth App tokens are never refreshed; a manual refresh says so', async () => {
      const vault = vaultFor({ providers: [world.oauthApp] });
      const { account, tokens } = await signedIn('eve', vault, world.oauthApp);
      assert.equal(tokens.refreshToken, null);
      assert.equal(tokens.accessTokenExpiresAt, null);
      world.advance(365 * 24 * HOUR);
      assert.equal(await vault.getAccessTokenForAccount(account), tokens.accessToken);
      await assert.rejects(vault.refreshTokens(account), TokenRefreshError);
      assert.equal((await row(account))?.needsReauth, false);
    });

    it('a ciphertext moved to another account does not open', async () => {
      const { account: a, vault } = await signedIn('ada');
      const { account: b } = await signedIn('bob');
      const rowA = (await row(a))!;
      const rowB = (await row(b))!;
      await store.updateAccountTokens(
        { providerId: 'github', issuer: '', providerUserId: b.providerUserId },
        { expectedVersion: rowB.tokensVersion, tokens: rowA.tokens, needsReauth: false },
      );
      await assert.rejects(vault.getTokens(b), TokenDecryptionError);
      await assert.rejects(vault.getAccessTokenForAccount(b), TokenDecryptionError);
    });

    it('rotates keys: new key seals, old still opens, rotateKeys re-seals by CAS', async () => {
      const { account, user, tokens } = await signedIn('cy');
      const both = vaultFor({ keys: [K2, K1] });
      assert.equal((await both.getTokens(account))?.accessToken, tokens.accessToken);
      await assert.rejects(vaultFor({ keys: [K2] }).getTokens(account), TokenDecryptionError);
      assert.equal(await both.rotateKeys([{ userId: user.id }]), 1);
      assert.match((await row(account))!.tokens!, /^v1\.k2\./);
      assert.equal(await both.rotateKeys([account]), 0);
      assert.equal(
        (await vaultFor({ keys: [K2] }).getTokens(account))?.accessToken,
        tokens.accessToken,
      );
    });

    it('rotateKeys() without a source re-seals every account holding tokens', async () => {
      const first = await signedIn('ada');
      const second = await signedIn('cy');
      const both = vaultFor({ keys: [K2, K1] });
      // An earlier test planted a row no key opens (a ciphertext moved to another account): the
      // sweep re-seals everything else, then reports it.
      const outcome = await both.rotateKeys().then(
        (n) => n,
        (e: unknown) => e,
      );
      if (typeof outcome === 'number') assert.ok(outcome >= 2);
      else {
        assert.ok(outcome instanceof TokenDecryptionError);
        assert.match(outcome.message, /\d+ account\(s\) hold tokens no configured key opens/);
      }
      for (const { account, tokens } of [first, second]) {
        assert.match((await row(account))!.tokens!, /^v1\.k2\./);
        const onlyNew = await vaultFor({ keys: [K2] }).getTokens(account);
        assert.equal(onlyNew?.accessToken, tokens.accessToken);
      }
      assert.equal(await both.rotateKeys([first.account, second.account]), 0);
    });

    it('revokes at GitHub and clears the stored tokens', async () => {
      const { account, tokens, vault } = await signedIn('dee');
      assert.equal(world.double.isTokenActive(tokens.accessToken), true);
      assert.equal(await vault.revokeTokens(account), true);
      assert.equal(world.double.isTokenActive(tokens.accessToken), false);
      assert.equal((await row(account))?.tokens, null);
      assert.equal(await vault.getAccessTokenForAccount(account), null);
      const other = await signedIn('eve', vault);
      assert.equal(await vault.revokeAndUnlink(other.account), true);
      assert.equal(await row(other.account), null);
      assert.equal(world.double.isTokenActive(other.tokens.accessToken), false);
    });
  });
}
