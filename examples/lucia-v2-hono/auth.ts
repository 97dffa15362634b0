// GitHub OAuth for a Tauri desktop app, written in the Lucia v2 / @lucia-auth/oauth style on
// latchkey: `providerAuth(auth, github(config), { redirectURI })` gives getAuthorizationUrl()
// and validateCallback(). Configuration: a store, the callback URL, and GitHub's URLs so the
// GitHub double can stand in for github.com.
import { createLatchkey } from 'latchkey';
import { providerAuth } from 'latchkey/oauth';
import { github } from 'latchkey/providers';
import { sqliteStore } from 'latchkey/sqlite';

const env = process.env;

export const auth = createLatchkey<{ username: string }>({
  store: sqliteStore(env.DATABASE_PATH ?? ':memory:'),
});

export type Auth = typeof auth;

export const githubAuth = providerAuth(
  auth,
  github({
    clientId: env.GITHUB_CLIENT_ID ?? '',
    clientSecret: env.GITHUB_CLIENT_SECRET ?? '',
    // Unset in production (github.com); the tests point these at the GitHub double.
    ...(env.GITHUB_WEB_URL && env.GITHUB_API_URL
      ? { endpoints: { web: env.GITHUB_WEB_URL, api: env.GITHUB_API_URL } }
      : {}),
  }),
  { redirectURI: env.GITHUB_REDIRECT_URI ?? 'http://localhost:3000/login/github/callback' },
);
