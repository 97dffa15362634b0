// The latchkey setup every framework example shares: a store, GitHub, the flow secret. In
// production `endpoints` stays unset (github.com); the tests point GITHUB_WEB_URL and
// GITHUB_API_URL at the GitHub double. Each example's own file is only its framework's wiring.
import { createLatchkey } from 'latchkey';
import { createAuthHandler } from 'latchkey/http';
import { memoryStore } from 'latchkey/memory';
import { github } from 'latchkey/providers';

/** The attributes these apps keep on a user: typed through every adapter, no `Register`. */
export interface UserAttributes {
  username: string;
}

export function createAuth(env: Record<string, string | undefined> = process.env) {
  const auth = createLatchkey<UserAttributes>({
    store: memoryStore(),
    // The plain development cookie on http://localhost; production (https) gets `__Host-…`.
    // INSECURE_LOCALHOST_COOKIES=1 keeps the plain one for a production build tried on
    // http://127.0.0.1 (as the Next.js test runs `next start`).
    cookie: {
      insecureLocalhost: env.NODE_ENV !== 'production' || env.INSECURE_LOCALHOST_COOKIES === '1',
    },
  });
  const handler = createAuthHandler(auth, {
    providers: [
      github({
        clientId: env.GITHUB_CLIENT_ID ?? '',
        clientSecret: env.GITHUB_CLIENT_SECRET ?? '',
        ...(env.GITHUB_WEB_URL && env.GITHUB_API_URL
          ? { endpoints: { web: env.GITHUB_WEB_URL, api: env.GITHUB_API_URL } }
          : {}),
      }),
    ],
    secret: env.SESSION_SECRET ?? '', // ≥ 32 bytes
    // Set behind a proxy or under `next dev` (see docs/frameworks.md); else the request's own.
    ...(env.APP_ORIGIN ? { origin: env.APP_ORIGIN } : {}),
    hooks: { mapProfile: (profile) => ({ username: profile.username ?? profile.providerUserId }) },
  });
  return { auth, handler };
}

export type Auth = ReturnType<typeof createAuth>;
