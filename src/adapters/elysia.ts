// Elysia (on Bun) over the fetch handler: the routes answer under their base path before any
// route of the app; every other request gets `user` / `session` in its context (null when signed
// out), typed with the app's attributes.
import { Elysia } from 'elysia';
import type { Latchkey } from '../core/latchkey.ts';
import { readRequestSession } from '../core/request.ts';
import type { Session, User } from '../core/types.ts';
import type { AuthHandler } from '../http/handler.ts';

/** Bun's server, as far as the client address goes. */
type AddressServer = { requestIP?(request: Request): { address: string } | null } | null;

/**
 * An Elysia plugin: `app.use(latchkeyElysia(auth, handler))`, then `({ user, session })` in every
 * handler, re-sending the session cookie when the session was renewed.
 * @throws StoreError (through Elysia's error handling) when the store fails.
 */
export function latchkeyElysia<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  handler: AuthHandler,
) {
  return new Elysia({ name: 'latchkey' })
    .onRequest(({ request, server }) => {
      if (!handler.matches(request)) return;
      const address = (server as AddressServer)?.requestIP?.(request)?.address ?? null;
      return handler.fetch(request, { clientAddress: address });
    })
    .resolve({ as: 'global' }, async ({ request, set }) => {
      const current = await readRequestSession(auth, request, handler.requestOrigin(request));
      if (current?.renewalCookie) set.headers['set-cookie'] = current.renewalCookie.serialize();
      return {
        user: (current?.result.user ?? null) as User<UA> | null,
        session: (current?.result.session ?? null) as Session<SA> | null,
      };
    });
}
