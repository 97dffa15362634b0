// Cross-process single flight: two Node processes sharing one PostgreSQL store and one GitHub
// double refresh an expired token at the same instant — exactly one refresh reaches GitHub.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createLatchkey } from '../src/index.ts';
import { dropTablesSql } from '../src/stores/migrations.ts';
import { postgresStore, type PostgresStore } from '../src/stores/postgres-store.ts';
import { createTokenVault, generateTokenKey } from '../src/tokens/index.ts';
import { POSTGRES_URL, uniqueSuffix } from './helpers.ts';
import { startGitHubWorld, type GitHubWorld } from './token-fixtures.ts';

const CHILD = fileURLToPath(new URL('./token-refresh-child.ts', import.meta.url));
const HOUR = 3_600_000;

function runChild(env: Record<string, string>): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out) as string[]);
      else reject(new Error(`child exited ${code}: ${err.slice(0, 2000)}`));
    });
  });
}

describe('token refresh across two processes on PostgreSQL', () => {
  const tablePrefix = `lk_${uniqueSuffix()}_`;
  let store: PostgresStore;
  let world: GitHubWorld;

  before(async () => {
    store = postgresStore(POSTGRES_URL, { tablePrefix });
    await store.migrate();
    world = await startGitHubWorld();
  });
  after(async () => {
    await store.close();
    await world.close();
    const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 });
    for (const sql of dropTablesSql('postgres', tablePrefix)) await admin.query(sql);
    await admin.end();
  });

  it('sends exactly one refresh to GitHub and every caller in both processes gets its token', async () => {
    const key = generateTokenKey();
    const vault = createTokenVault({
      store,
      providers: [world.app],
      keys: [{ id: 'k1', key }],
      now: world.now,
    });
    for (let round = 0; round < 3; round++) {
      const account = { providerId: 'github', providerUserId: `mp-${round}` };
      await createLatchkey({ store }).createUser({ attributes: {}, account });
      const signedIn = await world.signIn('ada');
      await vault.saveTokens(account, signedIn);
      world.advance(8 * HOUR);
      const before = world.double.stats.refreshes;
      const startAt = Date.now() + 1500;
      const child = runChild({
        POSTGRES_URL,
        TABLE_PREFIX: tablePrefix,
        DOUBLE_URL: world.double.url,
        CLIENT_ID: world.app.clientId,
        CLIENT_SECRET: 'app-secret',
        VAULT_KEY: key,
        CLOCK_OFFSET: String(world.now() - Date.now()),
        ACCOUNT: JSON.stringify(account),
        CALLERS: '25',
        START_AT: String(startAt),
      });
      await new Promise((resolve) => setTimeout(resolve, startAt - Date.now()));
      const mine = await Promise.all(
        Array.from({ length: 25 }, () => vault.getAccessTokenForAccount(account)),
      );
      const theirs = await child;
      assert.equal(theirs.length, 25);
      assert.equal(world.double.stats.refreshes - before, 1, `round ${round}: one refresh`);
      const all = new Set([...mine, ...theirs]);
      assert.equal(all.size, 1, 'everyone got the same, new token');
      const token = [...all][0]!;
      assert.notEqual(token, signedIn.accessToken);
      assert.equal(world.double.isTokenActive(token), true);
      assert.equal((await vault.getTokens(account))?.accessToken, token);
    }
  });
});
