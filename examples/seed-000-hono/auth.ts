// Seed 000 ("GitHub OAuth in Tauri"), ported to latchkey. Changed from the seed: the imports,
// the configuration (a store, the callback URL, and GitHub's URLs so the GitHub double can
// stand in for github.com), nothing else.
import { createLatchkey } from '../../src/index.ts';
import { github } from '../../src/providers/index.ts';
import { sqliteStore } from '../../src/stores/sqlite-store.ts';

const env = process.env;

export const auth = createLatchkey<{ username: string }>({
  store: sqliteStore(env.DATABASE_PATH ?? ':memory:'),
});

export type Auth = typeof auth;

export const githubAuth = github(auth, {
  clientId: env.GITHUB_CLIENT_ID ?? '',
  clientSecret: env.GITHUB_CLIENT_SECRET ?? '',
  redirectURI: env.GITHUB_REDIRECT_URI ?? 'http://localhost:3000/login/github/callback',
  // Unset in production (github.com); the tests point these at the GitHub double.
  ...(env.GITHUB_WEB_URL && env.GITHUB_API_URL
    ? { endpoints: { web: env.GITHUB_WEB_URL, api: env.GITHUB_API_URL } }
    : {}),
});
