// h3 (v2): the latchkey handler answers /auth/* and sets `event.context.user` everywhere else.
// Nuxt (h3 v1) takes the same handler as server middleware: see docs/frameworks.md.
import { H3, html } from 'h3';
import { toNodeHandler } from 'h3/node';
import { latchkeyH3, type LatchkeyContext } from 'latchkey/h3';
import { createAuth, type Auth, type UserAttributes } from '../shared/auth.ts';

declare module 'h3' {
  // Types `event.context.user` with this app's attributes.
  interface H3EventContext extends LatchkeyContext<UserAttributes> {}
}

export function createApp({ auth, handler }: Auth = createAuth()) {
  const app = new H3().use(latchkeyH3(auth, handler));
  app.get('/', (event) => {
    const user = event.context.user;
    return user ? html`Hi ${user.attributes.username}` : html`<a href="/auth/github">Sign in</a>`;
  });
  return app;
}

if (import.meta.main) {
  const { createServer } = await import('node:http');
  createServer(toNodeHandler(createApp())).listen(Number(process.env.PORT ?? 3000));
}
