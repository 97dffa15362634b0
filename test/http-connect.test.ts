// Tokens beyond sign-in: a connect-only provider is reached through the link route alone (never a
// sign-in, never the last way in), and linking a provider again asks for the scopes already granted
// plus the new ones, keeping one account whose stored tokens carry them all.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OAuthProvider } from '../src/oauth/provider.ts';
import { createAuthHandler } from '../src/http/index.ts';
import { createTokenVault, generateTokenKey, type TokenVault } from '../src/tokens/index.ts';
import { Browser, createHarness, ORIGIN, SECRET, type Harness } from './http-harness.ts';

const SAME = { origin: ORIGIN };
const POST: RequestInit = { method: 'POST', headers: SAME };

describe('connect-only providers and incremental scopes', () => {
  let h: Harness;
  let vault: TokenVault;

  before(async () => {
    // github2: connect-only. github3: the same GitHub, allowed to ask for `repo` later.
    const extra = (p: OAuthProvider): OAuthProvider[] => [
      { ...p, id: 'github2' },
      { ...p, id: 'github3', allowedScopes: [...p.allowedScopes, 'repo'] },
    ];
    h = await createHarness(
      {
        connectOnly: ['github2'],
        tokenVault: {
          saveTokens: (account, tokens) => vault.saveTokens(account, tokens),
          revokeTokens: (account) => vault.revokeTokens(account),
          getTokens: (account) => vault.getTokens(account),
        },
      },
      extra,
    );
    vault = createTokenVault({
      store: h.counting.store,
      providers: [h.provider, ...extra(h.provider)],
      keys: [{ id: 'k1', key: generateTokenKey() }],
    });
  });
  after(() => h.close());

  async function userId(b: Browser): Promise<string> {
    const r = await h.handler.fetch(b.request(`${ORIGIN}/auth/session`));
    assert.equal(r.status, 200);
    return ((await r.json()) as { user: { id: string } }).user.id;
  }

  /** POST {base}/{provider}/link(+query) and through the double; returns the callback's answer. */
  async function link(b: Browser, providerId: string, query = '') {
    const start = b.absorb(
      await h.handler.fetch(b.request(`${ORIGIN}/auth/${providerId}/link${query}`, POST)),
    );
    assert.equal(start.status, 303);
    const authorize = new URL(start.headers.get('location')!);
    const atDouble = await fetch(authorize, { redirect: 'manual' });
    const callback = atDouble.headers.get('location')!;
    return { authorize, answer: b.absorb(await h.handler.fetch(b.request(callback))) };
  }

  it('a connect-only provider never starts a sign-in', async () => {
    const b = new Browser();
    const r = await h.handler.fetch(b.request(`${ORIGIN}/auth/github2`));
    assert.equal(r.status, 400);
    assert.deepEqual(await r.json(), { error: 'connect_only' });
    assert.equal(r.headers.get('set-cookie'), null, 'no flow started');
  });

  it('is connected by a signed-in user, with its tokens kept, and is never the last way in', async () => {
    const b = new Browser();
    h.double.approveAs('octocat');
    assert.equal((await h.signIn(b)).status, 302);
    const id = await userId(b);
    const { answer } = await link(b, 'github2');
    assert.equal(answer.status, 302);
    assert.doesNotMatch(answer.headers.get('location')!, /error/);
    const accounts = await h.auth.getUserAccounts(id);
    const connected = accounts.find((a) => a.providerId === 'github2');
    assert.ok(connected);
    assert.ok((await vault.getTokens(connected))?.accessToken, 'tokens in the vault');

    // github is the only account this user can sign in with: it stays.
    const unlinkSignIn = await h.handler.fetch(b.request(`${ORIGIN}/auth/github/unlink`, POST));
    assert.equal(unlinkSignIn.status, 409);
    assert.deepEqual(await unlinkSignIn.json(), { error: 'last_account' });
    // The connect-only one goes (and its tokens are revoked).
    const unlinkConnect = await h.handler.fetch(b.request(`${ORIGIN}/auth/github2/unlink`, POST));
    assert.equal(unlinkConnect.status, 204);
    assert.equal(await h.auth.getAccount(connected), null);
  });

  it('asks for the granted scopes plus the new ones; the one account keeps them all', async () => {
    const b = new Browser();
    h.double.approveAs('hubot');
    const start = b.absorb(await h.handler.fetch(b.request(`${ORIGIN}/auth/github3`)));
    const callback = (await fetch(start.headers.get('location')!, { redirect: 'manual' })).headers;
    b.absorb(await h.handler.fetch(b.request(callback.get('location')!)));
    const id = await userId(b);
    const [account] = await h.auth.getUserAccounts(id);
    assert.ok(account);
    assert.deepEqual((await vault.getTokens(account))?.scopes.sort(), ['read:user', 'user:email']);

    const { authorize, answer } = await link(b, 'github3', '?scope=repo');
    assert.equal(answer.status, 302);
    assert.equal(authorize.searchParams.get('scope'), 'read:user user:email repo');
    const accounts = await h.auth.getUserAccounts(id);
    assert.equal(accounts.length, 1, 'the same account, not a second one');
    const tokens = await vault.getTokens(account);
    assert.deepEqual(tokens?.scopes.sort(), ['read:user', 'repo', 'user:email']);

    // A scope outside the allow-list is refused before anything starts.
    const bad = await h.handler.fetch(
      b.request(`${ORIGIN}/auth/github3/link?scope=admin:org`, POST),
    );
    assert.equal(bad.status, 400);
  });

  it('connectOnly must name configured providers', () => {
    assert.throws(
      () =>
        createAuthHandler(h.auth, {
          providers: [h.provider],
          secret: SECRET,
          connectOnly: ['dropbox'],
        }),
      /connectOnly.*dropbox/,
    );
  });
});
