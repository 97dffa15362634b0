// Granted scopes when the token response leaves `scope` out (RFC 6749 §5.1: "OPTIONAL, if
// identical to the scope requested"): the code exchange assumes the scopes the flow requested,
// a refresh keeps the refreshed set's, and `scopesReported` tells "said nothing" from "granted
// nothing". Against oidc-provider (its answers rewritten on the client side) and the GitHub
// double (its `omitScope` quirk), through the provider API, the routes and the token vault.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLatchkey, type AccountKey } from '../src/index.ts';
import { createAuthHandler } from '../src/http/index.ts';
import { providerAuth } from '../src/oauth/provider-auth.ts';
import type { OAuthProvider } from '../src/oauth/provider.ts';
import { github } from '../src/providers/github.ts';
import { oidc } from '../src/providers/oidc.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { startGitHubDouble, type GitHubDouble } from '../src/testing/index.ts';
import { createTokenVault, generateTokenKey } from '../src/tokens/index.ts';
import { decodeTokenSet, encodeTokenSet } from '../src/tokens/token-set.ts';
import { Browser, ORIGIN, SECRET } from './http-harness.ts';
import { authorize, startIdP, type TestIdP } from './oauth-fixtures.ts';

const KEYS = [{ id: 'k1', key: generateTokenKey() }];

/** How the client-side interceptor changes oidc-provider's token endpoint traffic. */
interface Rewrite {
  /** Delete `scope` from the answer. */
  omit: boolean;
  /** Replace the answer's `scope`. */
  answerScope: string | null;
  /** Add `scope` to a refresh request (RFC 6749 §6: the provider then narrows the grant). */
  askScope: string | null;
}

/** A fetch that rewrites token endpoint requests and answers as `rewrite` says. */
function rewritingFetch(rewrite: Rewrite): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.endsWith('/token')) return fetch(input, init);
    let body = init?.body;
    if (rewrite.askScope !== null && body instanceof URLSearchParams) {
      body = new URLSearchParams(body);
      if (body.get('grant_type') === 'refresh_token') body.set('scope', rewrite.askScope);
    }
    const response = await fetch(input, { ...init, body });
    if (!response.ok) return response;
    const json = (await response.json()) as Record<string, unknown>;
    if (rewrite.omit) delete json.scope;
    else if (rewrite.answerScope !== null) json.scope = rewrite.answerScope;
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    return new Response(JSON.stringify(json), { status: response.status, headers });
  };
}

describe('granted scopes with oidc-provider', () => {
  let idp: TestIdP;
  let provider: OAuthProvider;
  const rewrite: Rewrite = { omit: false, answerScope: null, askScope: null };
  const store = memoryStore();
  const auth = createLatchkey({ store });
  const vault = createTokenVault({ store, providers: [], keys: KEYS });
  let n = 0;
  const REQUESTED = ['openid', 'email', 'offline_access'];

  before(async () => {
    idp = await startIdP();
    provider = oidc({
      id: 'idp',
      name: 'Test IdP',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      scopes: REQUESTED,
      fetch: rewritingFetch(rewrite),
    });
  });
  after(() => idp.close());

  /** One code flow; `scopes` is what the caller passes to the exchange. */
  async function exchange(scopes: readonly string[] | undefined) {
    const request = await provider.createAuthorizationURL({ redirectURI: idp.redirectURI });
    const callbackURL = await authorize(request.url, idp.redirectURI);
    return provider.validateAuthorizationCode({
      callbackURL,
      expectedState: request.state,
      redirectURI: idp.redirectURI,
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
      scopes,
    });
  }

  /** Signs in with `scope` omitted, stores the set in a vault that refreshes with `provider`. */
  async function storedAccount(): Promise<AccountKey> {
    rewrite.omit = true;
    const tokens = await exchange(REQUESTED);
    rewrite.omit = false;
    const account = { providerId: 'idp', issuer: idp.issuer, providerUserId: `u${++n}` };
    await auth.createUser({ attributes: {}, account });
    await vault.saveTokens(account, tokens);
    return account;
  }
  const refreshingVault = () => createTokenVault({ store, providers: [provider], keys: KEYS });

  it('a listed scope is reported as is', async () => {
    const tokens = await exchange(REQUESTED);
    // oidc-provider lists `offline_access` only after a consent prompt, so it says less here.
    assert.deepEqual(tokens.scopes.toSorted(), ['email', 'openid']);
    assert.equal(tokens.scopesReported, true);
  });

  it('exchange without `scope`: the requested scopes, marked as not reported', async () => {
    rewrite.omit = true;
    try {
      const tokens = await exchange(REQUESTED);
      assert.deepEqual(tokens.scopes, REQUESTED);
      assert.equal(tokens.scopesReported, false);
      // A caller that does not say what it asked for gets no invented list.
      const bare = await exchange(undefined);
      assert.deepEqual(bare.scopes, []);
      assert.equal(bare.scopesReported, false);
    } finally {
      rewrite.omit = false;
    }
  });

  it('the vault stores the assumed scopes and keeps them over a refresh that says nothing', async () => {
    const account = await storedAccount();
    const stored = await vault.getTokens(account);
    assert.deepEqual(stored?.scopes, REQUESTED);
    assert.equal(stored?.scopesReported, false);
    rewrite.omit = true;
    try {
      const refreshed = await refreshingVault().refreshTokens(account);
      assert.notEqual(refreshed?.accessToken, stored?.accessToken, 'a real refresh happened');
      assert.deepEqual(refreshed?.scopes, REQUESTED);
    } finally {
      rewrite.omit = false;
    }
    const after = await vault.getTokens(account);
    assert.deepEqual(after?.scopes, REQUESTED);
    assert.equal(after?.scopesReported, false);
  });

  it('a refresh that narrows the scopes is stored narrowed', async () => {
    const account = await storedAccount();
    rewrite.askScope = 'openid';
    try {
      await refreshingVault().refreshTokens(account);
    } finally {
      rewrite.askScope = null;
    }
    const after = await vault.getTokens(account);
    assert.deepEqual(after?.scopes, ['openid']);
    assert.equal(after?.scopesReported, true);
  });

  it('a refresh that grants nothing (`scope: ""`) is stored as nothing, not as the old list', async () => {
    const account = await storedAccount();
    rewrite.answerScope = '';
    try {
      await refreshingVault().refreshTokens(account);
    } finally {
      rewrite.answerScope = null;
    }
    const after = await vault.getTokens(account);
    assert.deepEqual(after?.scopes, []);
    assert.equal(after?.scopesReported, true);
  });

  it('providerAuth.validateCallback assumes the default scopes, or the ones it is told', async () => {
    const bound = providerAuth(auth, provider, { redirectURI: idp.redirectURI });
    rewrite.omit = true;
    try {
      for (const scopes of [undefined, ['openid', 'email']]) {
        const [url, state, codeVerifier, nonce] = await bound.getAuthorizationUrl({ scopes });
        const callbackURL = await authorize(url, idp.redirectURI);
        const result = await bound.validateCallback(callbackURL, {
          expectedState: state,
          codeVerifier,
          nonce,
          scopes,
        });
        assert.deepEqual(result.tokens.scopes, scopes ?? REQUESTED);
        assert.equal(result.tokens.scopesReported, false);
      }
    } finally {
      rewrite.omit = false;
    }
  });
});

describe('granted scopes with the GitHub double', () => {
  let double: GitHubDouble;
  const store = memoryStore();
  const auth = createLatchkey<Record<string, unknown>, Record<string, unknown>>({ store });
  const vault = createTokenVault({ store, providers: [], keys: KEYS });
  let providers: OAuthProvider[];

  before(async () => {
    double = await startGitHubDouble();
    const callbackURLs = [`${ORIGIN}/auth/github/callback`];
    double.addApp({
      clientId: 'quiet',
      clientSecret: 's1',
      kind: 'oauth-app',
      callbackURLs,
      omitScope: true,
    });
    double.addApp({ clientId: 'loud', clientSecret: 's2', kind: 'oauth-app', callbackURLs });
    double.addApp({
      clientId: 'Iv1.quiet',
      clientSecret: 's3',
      kind: 'github-app',
      callbackURLs,
      omitScope: true,
    });
    double.addUser({ login: 'octocat' });
    const make = (clientId: string, clientSecret: string) =>
      github({
        clientId,
        clientSecret,
        allowedScopes: ['read:user', 'user:email', 'repo'],
        endpoints: { web: double.url, api: double.url },
      }) as unknown as OAuthProvider;
    providers = [make('quiet', 's1'), make('loud', 's2'), make('Iv1.quiet', 's3')];
  });
  after(() => double.close());

  /** A browser sign-in through the routes with `provider`; returns the stored token set. */
  async function signIn(provider: OAuthProvider, query = '') {
    const handler = createAuthHandler(auth, {
      providers: [provider],
      secret: SECRET,
      rateLimit: false,
      tokenVault: vault,
    });
    const b = new Browser();
    double.approveAs('octocat');
    const start = b.absorb(await handler.fetch(b.request(`${ORIGIN}/auth/github${query}`)));
    assert.equal(start.status, 302);
    const atDouble = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const done = b.absorb(await handler.fetch(b.request(atDouble.headers.get('location')!)));
    assert.equal(done.status, 302);
    assert.ok(!done.headers.get('location')!.includes('error'), done.headers.get('location')!);
    const session = await handler.fetch(b.request(`${ORIGIN}/auth/session`));
    const { user } = (await session.json()) as { user: { id: string } };
    const account = (await auth.getUserAccounts(user.id))[0]!;
    return { account, tokens: (await vault.getTokens(account))! };
  }

  it('GitHub lists scopes with commas: split and reported', async () => {
    const { tokens } = await signIn(providers[1]!, '?scope=read:user,repo');
    assert.deepEqual(tokens.scopes, ['read:user', 'repo']);
    assert.equal(tokens.scopesReported, true);
  });

  it('without `scope` the vault stores the scopes the flow requested (defaults or ?scope=)', async () => {
    const defaults = await signIn(providers[0]!);
    assert.deepEqual(defaults.tokens.scopes, ['read:user', 'user:email']);
    assert.equal(defaults.tokens.scopesReported, false);
    const chosen = await signIn(providers[0]!, '?scope=read:user,repo');
    assert.deepEqual(chosen.tokens.scopes, ['read:user', 'repo']);
    assert.equal(chosen.tokens.scopesReported, false);
  });

  it("a refresh without `scope` keeps the refreshed set's scopes", async () => {
    const { account, tokens } = await signIn(providers[2]!, '?scope=read:user');
    assert.deepEqual(tokens.scopes, ['read:user']);
    assert.ok(tokens.refreshToken, 'expiring GitHub App token');
    const refresher = createTokenVault({ store, providers: [providers[2]!], keys: KEYS });
    const refreshed = await refresher.refreshTokens(account);
    assert.notEqual(refreshed?.refreshToken, tokens.refreshToken, 'rotated');
    const stored = await vault.getTokens(account);
    assert.deepEqual(stored?.scopes, ['read:user']);
    assert.equal(stored?.scopesReported, false);
  });
});

describe('sealed token sets', () => {
  it('read sets sealed before `scopesReported` existed', () => {
    const doc = { v: 1, at: 'a', tt: 'bearer', rt: null, ate: null, rte: null };
    assert.equal(decodeTokenSet(JSON.stringify({ ...doc, sc: ['repo'] }))?.scopesReported, true);
    // An empty list may have been a provider that said nothing: not claimed as reported.
    assert.equal(decodeTokenSet(JSON.stringify({ ...doc, sc: [] }))?.scopesReported, false);
  });

  it('round-trip the flag', () => {
    const set = {
      accessToken: 'a',
      tokenType: 'bearer',
      refreshToken: null,
      accessTokenExpiresAt: null,
      refreshTokenExpiresAt: null,
      scopes: [],
      scopesReported: true,
      dpopKey: null,
    };
    assert.deepEqual(decodeTokenSet(encodeTokenSet(set)), set);
    const assumed = { ...set, scopes: ['x'], scopesReported: false };
    assert.deepEqual(decodeTokenSet(encodeTokenSet(assumed)), assumed);
  });
});
