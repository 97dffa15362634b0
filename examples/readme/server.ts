// The README's twenty-line example, verbatim but for the import paths (test/readme-example.test.ts
// keeps the two in sync and runs this file).
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createLatchkey } from '../../src/index.ts';
import { createAuthHandler } from '../../src/http/index.ts';
import { latchkeyHono, type LatchkeyVariables } from '../../src/adapters/hono.ts';
import { github } from '../../src/providers/index.ts';
import { sqliteStore } from '../../src/stores/sqlite-store.ts';

const auth = createLatchkey<{ username: string }>({ store: sqliteStore('app.db') });
const handler = createAuthHandler(auth, {
  providers: [
    github({
      clientId: process.env.GITHUB_CLIENT_ID!,
      clientSecret: process.env.GITHUB_CLIENT_SECRET!,
    }),
  ],
  secret: process.env.SESSION_SECRET!, // ≥ 32 bytes; seals the short-lived flow cookie
  hooks: { mapProfile: (profile) => ({ username: profile.username ?? profile.providerUserId }) },
});

const app = new Hono<{ Variables: LatchkeyVariables<{ username: string }> }>();
app.use(latchkeyHono(auth, handler)); // GET /auth/github, /auth/github/callback, POST /auth/logout, GET /auth/session ...
app.get('/', (c) =>
  c.html(
    c.get('user')
      ? `Hi ${c.get('user')!.attributes.username}`
      : '<a href="/auth/github">Sign in</a>',
  ),
);
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) });
