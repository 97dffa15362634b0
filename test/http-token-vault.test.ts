// The routes keep provider tokens when given a vault: saved on sign-in and on link, revoked at
// the provider on unlink and (opt-in) on "sign out everywhere"; a failed save leaves no session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StoreError } from '../src/core/errors.ts';
import type { AccountKey } from '../src/core/types.ts';
import { createTokenVault, generateTokenKey, type TokenVault } from '../src/tokens/index.ts';
import { Browser, createHarness, ORIGIN, type Harness } from './http-harness.ts';

const SAME = { origin: ORIGIN };
/** A link start as the app's own form posts it. */
const LINK: RequestInit = { method: 'POST', headers: SAME };

describe('routes with a token vault', () => {
  let h: Harness;
  let vault: TokenVault;
  let failSave = false;

  before(async () => {
    h = await createHarness(
      {
        tokenVault: {
          saveTokens: (account, tokens) =>
            failSave
              ? Promise.reject(new StoreError('saveTokens'))
              : vault.saveTokens(account, tokens),
          revokeTokens: (account) => vault.revokeTokens(account),
        },
        revokeTokensOnSignOutEverywhere: true,
      },
      (p) => [{ ...p, id: 'github2' }],
    );
    vault = createTokenVault({
      store: h.counting.store,
      providers: [h.provider, { ...h.provider, id: 'github2' }],
      keys: [{ id: 'k1', key: generateTokenKey() }],
    });
  });
  after(() => h.close());

  async function me(b: Browser): Promise<{ userId: string; sessionId: string } | null> {
    const r = await h.handler.fetch(b.request(`${ORIGIN}/auth/session`));
    if (r.status !== 200) return null;
    const body = (await r.json()) as { user: { id: string }; session: { id: string } };
    return { userId: body.user.id, sessionId: body.session.id };
  }

  async function accountOf(userId: string, providerId: string): Promise<AccountKey> {
    const account = (await h.auth.getUserAccounts(userId)).find((a) => a.providerId === providerId);
    assert.ok(account, `${providerId} account linked`);
    return account;
  }

  it('saves tokens on sign-in and link, revokes them on unlink and on sign-out everywhere', async () => {
    const b = new Browser();
    h.double.approveAs('octocat');
    assert.equal((await h.signIn(b)).status, 302);
    const { userId } = (await me(b))!;
    const github = await accountOf(userId, 'github');
    const first = await vault.getTokens(github);
    assert.ok(first, 'sign-in tokens stored');
    assert.equal(h.double.isTokenActive(first.accessToken), true);

    const start = b.absorb(await h.handler.fetch(b.request(`${ORIGIN}/auth/github2/link`, LINK)));
    const callback = (
      await fetch(start.headers.get('location')!, { redirect: 'manual' })
    ).headers.get('location')!;
    assert.equal(b.absorb(await h.handler.fetch(b.request(callback))).status, 302);
    const linked = await accountOf(userId, 'github2');
    const second = await vault.getTokens(linked);
    assert.ok(second, 'link tokens stored');

    const unlink = await h.handler.fetch(
      b.request(`${ORIGIN}/auth/github2/unlink`, { method: 'POST', headers: SAME }),
    );
    assert.equal(unlink.status, 204);
    assert.equal(h.double.isTokenActive(second.accessToken), false, 'revoked at the provider');
    assert.equal(await h.auth.getAccount(linked), null);

    const out = await h.handler.fetch(
      b.request(`${ORIGIN}/auth/logout?all`, { method: 'POST', headers: SAME }),
    );
    assert.ok(out.status < 400);
    assert.equal(h.double.isTokenActive(first.accessToken), false);
    assert.equal(await vault.getTokens(github), null);
  });

  it('a failed token save answers 503 and leaves no session; a retry signs in', async () => {
    const b = new Browser();
    h.double.approveAs('hubot');
    failSave = true;
    const failed = await h.signIn(b);
    failSave = false;
    assert.equal(failed.status, 503);
    assert.equal(await me(b), null);
    assert.equal((await h.signIn(b)).status, 302);
    const { userId } = (await me(b))!;
    // The failed attempt's session was revoked: only the retry's is left.
    assert.equal((await h.auth.getUserSessions(userId)).length, 1);
    assert.ok(await vault.getTokens(await accountOf(userId, 'github')));
  });
});
