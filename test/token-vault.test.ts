import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLatchkey } from '../src/index.ts';
import { github } from '../src/providers/github.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { createTokenVault, generateTokenKey } from '../src/tokens/index.ts';
import { startGitHubWorld, type GitHubWorld } from './token-fixtures.ts';
import { tokenVaultSuite } from './token-vault-suite.ts';

tokenVaultSuite('memory', async () => memoryStore());

// The vault with the OAuth engine's own GitHub provider (src/providers/github.ts), not the
// GitHub app client: single flight and dead-token marking hold for any TokenProvider.

describe('token vault with the engine GitHub provider', () => {
  let world: GitHubWorld;
  before(async () => {
    world = await startGitHubWorld();
  });
  after(async () => {
    await world.close();
  });

  it('refreshes once for 30 callers, then marks the account when the token is spent', async () => {
    const store = memoryStore();
    const provider = github({
      clientId: 'Iv1.app',
      clientSecret: 'app-secret',
      endpoints: { web: world.double.url, api: world.double.url },
    });
    // A margin above the 8 h lifetime makes the stored token due without moving clocks.
    const vault = createTokenVault({
      store,
      providers: [provider],
      keys: [{ id: 'k', key: generateTokenKey() }],
      refreshMargin: 9 * 3_600_000,
    });
    const account = { providerId: 'github', providerUserId: '1' };
    await createLatchkey({ store }).createUser({ attributes: {}, account });
    const tokens = await world.signIn('ada');
    await vault.saveTokens(account, tokens);
    const before = world.double.stats.refreshes;
    const results = await Promise.all(
      Array.from({ length: 30 }, () => vault.getAccessTokenForAccount(account)),
    );
    assert.equal(world.double.stats.refreshes - before, 1);
    assert.equal(new Set(results).size, 1);
    assert.equal(world.double.isTokenActive(tokens.accessToken), false);
    // Spend the stored refresh token behind the vault's back: GitHub answers bad_refresh_token.
    const stored = await vault.getTokens(account);
    await provider.refreshAccessToken(stored!.refreshToken!);
    await assert.rejects(vault.refreshTokens(account), { reason: 'refresh_token_rejected' });
    await assert.rejects(vault.getAccessTokenForAccount(account), { reason: 'marked' });
    assert.equal(world.double.stats.refreshes - before, 3);
  });
});
