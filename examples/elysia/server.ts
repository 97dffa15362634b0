// Elysia on Bun: the latchkey plugin answers /auth/* and gives every handler `user` and `session`,
// typed with the app's attributes.
import { Elysia } from 'elysia';
import { latchkeyElysia } from 'latchkey/elysia';
import { createAuth, type Auth } from '../shared/auth.ts';

export function createApp({ auth, handler }: Auth = createAuth()) {
  return new Elysia().use(latchkeyElysia(auth, handler)).get('/', ({ user, set }) => {
    // Plain text for the username: it is never markup.
    if (user) return `Hi ${user.attributes.username}`;
    set.headers['content-type'] = 'text/html';
    return '<a href="/auth/github">Sign in</a>';
  });
}

if (import.meta.main) createApp().listen(Number(process.env.PORT ?? 3000));
