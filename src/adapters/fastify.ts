// Fastify over the fetch handler, as a plugin: the routes answer under their base path (in an
// onRequest hook, before Fastify parses a body, so every method and content type reaches them
// as sent); every other request gets `request.latchkey` (`{ user, session }` or null).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Latchkey } from '../core/latchkey.ts';
import type { SessionValidationResult } from '../core/types.ts';
import type { AuthHandler } from '../http/handler.ts';
import { answerNodeRequest, isAuthPath, readNodeSession } from './node.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Set by the `latchkeyFastify` plugin: the validated session, or `null` when signed out.
     * Typed with the attributes registered in `Register`; `plugin.current(request)` has the
     * instance's.
     */
    latchkey: SessionValidationResult | null;
  }
}

/** The plugin {@link latchkeyFastify} returns, with a typed reader of what it set. */
export interface LatchkeyFastify<UA extends object, SA extends object> {
  (app: FastifyInstance): Promise<void>;
  /** The request's session, typed with this latchkey instance's attributes; null when signed out. */
  current(request: FastifyRequest): SessionValidationResult<UA, SA> | null;
}

async function send(reply: FastifyReply, response: Response): Promise<FastifyReply> {
  reply.status(response.status);
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') reply.header(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) reply.header('set-cookie', cookies);
  return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
}

/**
 * A Fastify plugin (`app.register(latchkeyFastify(auth, handler))`; it applies to the whole app,
 * like one wrapped in fastify-plugin): answers the auth routes and sets `request.latchkey` for
 * every other request, re-sending the cookie when the session was renewed. Store failures go to
 * Fastify's error handler.
 */
export function latchkeyFastify<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  handler: AuthHandler,
): LatchkeyFastify<UA, SA> {
  const plugin = async (app: FastifyInstance): Promise<void> => {
    app.decorateRequest('latchkey', null);
    app.addHook('onRequest', async (request, reply) => {
      if (isAuthPath(handler, request.raw.url)) {
        return send(reply, await answerNodeRequest(handler, request.raw));
      }
      const current = await readNodeSession(auth, handler, request.raw);
      if (current?.renewalCookie) reply.header('set-cookie', current.renewalCookie.serialize());
      // The app's registered attribute types (see `Register`) describe the same rows.
      request.latchkey = (current?.result ?? null) as SessionValidationResult | null;
    });
  };
  // fastify-plugin's marker: register the hook on the app itself, not in an encapsulated child.
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return Object.assign(plugin, {
    current: (request: FastifyRequest) =>
      request.latchkey as SessionValidationResult<UA, SA> | null,
  });
}
