// docs/security.md, accounts: an account is keyed by (provider, issuer, provider user id) — never by
// email or login — and nothing links a new provider account to an existing user by email.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, createHarness, ORIGIN, type Harness } from './http-harness.ts';

async function userIdOf(h: Harness, b: Browser): Promise<string> {
  const r = await h.handler.fetch(b.request(`${ORIGIN}/auth/session`));
  assert.equal(r.status, 200);
  return ((await r.json()) as { user: { id: string } }).user.id;
}

describe('accounts are never matched by email', () => {
  let h: Harness;
  before(async () => {
    // `github2` is another provider id over the same GitHub: same numeric ids, same emails.
    h = await createHarness({}, (p) => [{ ...p, id: 'github2' }]);
    const shared = [{ email: 'shared@example.com', primary: true, verified: true }];
    h.double.addUser({ login: 'alice', emails: shared, publicEmail: 'shared@example.com' });
    h.double.addUser({ login: 'mallory', emails: shared, publicEmail: 'shared@example.com' });
  });
  after(() => h.close());

  it('two people with the same verified email are two users', async () => {
    const a = new Browser();
    h.double.approveAs('alice');
    assert.equal((await h.signIn(a)).status, 302);
    const m = new Browser();
    h.double.approveAs('mallory');
    assert.equal((await h.signIn(m)).status, 302);
    const alice = await userIdOf(h, a);
    const mallory = await userIdOf(h, m);
    assert.notEqual(alice, mallory);
    assert.equal((await h.auth.getUserAccounts(alice)).length, 1);
    assert.equal((await h.auth.getUserAccounts(mallory)).length, 1);
  });

  it('the same person at another provider id is another user until they link it', async () => {
    const a = new Browser();
    h.double.approveAs('alice');
    assert.equal((await h.signIn(a)).status, 302);
    const viaGithub = await userIdOf(h, a);
    const b = new Browser();
    const callback = await h.authorize(b, '', 'github2');
    assert.equal(b.absorb(await h.handler.fetch(b.request(callback))).status, 302);
    const viaGithub2 = await userIdOf(h, b);
    assert.notEqual(viaGithub, viaGithub2, 'same provider user id and email, different provider');
    const [account] = await h.auth.getUserAccounts(viaGithub2);
    assert.equal(account?.providerId, 'github2');
  });
});
