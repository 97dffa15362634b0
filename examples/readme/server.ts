// The README's example, verbatim (test/readme-example.test.ts keeps the two in sync and runs
// this file). It imports latchkey by its public subpaths, as an app does.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { createLatchkey } from 'latchkey';
import { createAuthHandler } from 'latchkey/http';
import { latchkeyHono, type LatchkeyVariables } from 'latchkey/hono';
import { github } from 'latchkey/providers';
import { sqliteStore } from 'latchkey/sqlite';

const auth = createLatchkey<{ username: string }>({ store: sqliteStore('latchkey.db') });
const { GITHUB_CLIENT_ID: clientId = '', GITHUB_CLIENT_SECRET: clientSecret = '' } = process.env;
const handler = createAuthHandler(auth, {
  providers: [github({ clientId, clientSecret })],
  secret: process.env.SESSION_SECRET!, // ≥ 32 bytes: seals the short-lived sign-in flow cookie
  hooks: { mapProfile: (profile) => ({ username: profile.username ?? profile.providerUserId }) },
});

const app = new Hono<{ Variables: LatchkeyVariables<{ username: string }> }>();
app.use(latchkeyHono(auth, handler)); // serves /auth/github, its callback, /auth/logout, ...
app.get('/', (c) => {
  const user = c.get('user'); // validated from the session cookie, or null
  return c.html(user ? html`Hi ${user.attributes.username}` : '<a href="/auth/github">Sign in</a>');
});
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) });
