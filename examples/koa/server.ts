// Koa: the latchkey middleware answers /auth/* and sets `ctx.state.user` everywhere else; the app
// `use` returns knows that state's type.
import Koa from 'koa';
import { latchkeyKoa } from 'latchkey/koa';
import { createAuth, type Auth } from '../shared/auth.ts';

export function createApp({ auth, handler }: Auth = createAuth()) {
  const app = new Koa().use(latchkeyKoa(auth, handler)); // before any body parser
  app.use((ctx) => {
    if (ctx.path !== '/') return;
    const user = ctx.state.user; // User<{ username: string }> | null
    ctx.type = user ? 'text' : 'html'; // plain text: the username is never markup
    ctx.body = user ? `Hi ${user.attributes.username}` : '<a href="/auth/github">Sign in</a>';
  });
  return app;
}

if (import.meta.main) createApp().listen(Number(process.env.PORT ?? 3000));
