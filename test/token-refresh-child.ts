// A second process for the cross-process single-flight test: the same PostgreSQL tables and
// the same GitHub double as the parent; fires its callers at the agreed instant and prints the
// access tokens it got as JSON.
import { createGitHubApp } from '../src/github/index.ts';
import { postgresStore } from '../src/stores/postgres-store.ts';
import { createTokenVault } from '../src/tokens/index.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`missing ${name}`);
  return value;
};
const offset = Number(env('CLOCK_OFFSET'));
const now = (): number => Date.now() + offset;
const store = postgresStore(env('POSTGRES_URL'), { tablePrefix: env('TABLE_PREFIX') });
const app = createGitHubApp({
  clientId: env('CLIENT_ID'),
  clientSecret: env('CLIENT_SECRET'),
  baseURL: env('DOUBLE_URL'),
  apiURL: env('DOUBLE_URL'),
  now,
});
const vault = createTokenVault({
  store,
  providers: [app],
  keys: [{ id: 'k1', key: env('VAULT_KEY') }],
  now,
});
const account = JSON.parse(env('ACCOUNT')) as { providerId: string; providerUserId: string };
const callers = Number(env('CALLERS'));
await new Promise((resolve) =>
  setTimeout(resolve, Math.max(0, Number(env('START_AT')) - Date.now())),
);
const tokens = await Promise.all(
  Array.from({ length: callers }, () => vault.getAccessTokenForAccount(account)),
);
process.stdout.write(JSON.stringify(tokens));
await store.close();
