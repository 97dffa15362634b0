// The vault against a real OpenID Provider (oidc-provider 9, in process) with
// `rotateRefreshToken: true`: reusing a spent refresh token revokes the whole grant there, so
// these tests prove concurrent callers never send one twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLatchkey, type AccountKey } from '../src/index.ts';
import type { OAuthProvider } from '../src/oauth/provider.ts';
import { oidc } from '../src/providers/oidc.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import {
  createTokenVault,
  generateTokenKey,
  ReauthorizationRequiredError,
} from '../src/tokens/index.ts';
import { authorize, startIdP, type TestIdP } from './oauth-fixtures.ts';

const KEYS = [{ id: 'k1', key: generateTokenKey() }];

describe('token vault with oidc-provider (rotating refresh tokens)', () => {
  let idp: TestIdP;
  let provider: OAuthProvider;
  const store = memoryStore();
  let n = 0;

  before(async () => {
    idp = await startIdP();
    provider = oidc({
      id: 'idp',
      name: 'Test IdP',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      scopes: ['openid', 'email', 'offline_access'],
    });
  });
  after(async () => {
    await idp.close();
  });

  /**
   * Authorization code flow with `offline_access`, driven headlessly. The shared IdP fixture
   * finishes the login interaction by request and grants consent (offline_access included) in
   * `loadExistingGrant`, which stands in for `prompt=consent` + a consent interaction.
   */
  async function signIn(): Promise<AccountKey & { refreshToken: string }> {
    const request = await provider.createAuthorizationURL({
      redirectURI: idp.redirectURI,
    });
    const callbackURL = await authorize(request.url, idp.redirectURI);
    const tokens = await provider.validateAuthorizationCode({
      callbackURL,
      expectedState: request.state,
      redirectURI: idp.redirectURI,
      codeVerifier: request.codeVerifier,
      nonce: request.nonce,
    });
    assert.ok(tokens.refreshToken, 'offline_access yields a refresh token');
    const account = { providerId: 'idp', issuer: idp.issuer, providerUserId: `alice-${++n}` };
    await createLatchkey({ store }).createUser({ attributes: {}, account });
    const vault = createTokenVault({ store, providers: [provider], keys: KEYS });
    await vault.saveTokens(account, tokens);
    return { ...account, refreshToken: tokens.refreshToken };
  }

  // A margin longer than the access token's 1 h lifetime makes every token "due".
  const dueVault = () =>
    createTokenVault({ store, providers: [provider], keys: KEYS, refreshMargin: 2 * 3_600_000 });

  it('50 concurrent callers: one refresh, and the grant stays alive', async () => {
    const account = await signIn();
    const vault = dueVault();
    const before = idp.tokenRequests();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => vault.getAccessTokenForAccount(account)),
    );
    assert.equal(idp.tokenRequests() - before, 1);
    assert.equal(new Set(results).size, 1);
    const stored = await vault.getTokens(account);
    assert.notEqual(stored?.refreshToken, account.refreshToken, 'rotated');
    // Had any caller reused a spent refresh token, oidc-provider would have revoked the grant
    // and this refresh would fail with invalid_grant.
    const again = await vault.refreshTokens(account);
    assert.ok(again?.accessToken);
    assert.equal(idp.tokenRequests() - before, 2);
  });

  it('two vaults on one store (two processes) refresh once; the grant stays alive', async () => {
    const account = await signIn();
    const a = dueVault();
    const b = dueVault();
    const before = idp.tokenRequests();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).getAccessTokenForAccount(account)),
    );
    assert.equal(idp.tokenRequests() - before, 1);
    assert.equal(new Set(results).size, 1);
    assert.ok(await a.refreshTokens(account));
  });

  it('reuse of a spent refresh token kills the grant; the vault then asks for re-authorisation', async () => {
    const account = await signIn();
    const vault = dueVault();
    await vault.refreshTokens(account);
    // Replay the spent token directly, as a buggy client would: the IdP revokes the grant.
    await assert.rejects(provider.refreshAccessToken(account.refreshToken), {
      error: 'invalid_grant',
    });
    const before = idp.tokenRequests();
    await assert.rejects(vault.refreshTokens(account), (e: unknown) => {
      assert.ok(e instanceof ReauthorizationRequiredError);
      assert.equal(e.reason, 'refresh_token_rejected');
      return true;
    });
    await assert.rejects(vault.getAccessTokenForAccount(account), { reason: 'marked' });
    assert.equal(idp.tokenRequests() - before, 1, 'no retry loop');
  });
});
