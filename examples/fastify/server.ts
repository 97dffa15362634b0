// Fastify: the latchkey plugin answers /auth/* and sets `request.latchkey` everywhere else.
import Fastify from 'fastify';
import { latchkeyFastify } from 'latchkey/fastify';
import { createAuth, type Auth } from '../shared/auth.ts';

export function createApp({ auth, handler }: Auth = createAuth()) {
  const app = Fastify();
  const latchkey = latchkeyFastify(auth, handler);
  app.register(latchkey);
  app.get('/', async (request, reply) => {
    // `current` is typed with this app's attributes: `username` is a string.
    const user = latchkey.current(request)?.user;
    if (user) return reply.type('text/plain').send(`Hi ${user.attributes.username}`);
    return reply.type('text/html').send('<a href="/auth/github">Sign in</a>');
  });
  return app;
}

if (import.meta.main) await createApp().listen({ port: Number(process.env.PORT ?? 3000) });
