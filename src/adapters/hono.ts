// Hono over the fetch handler: the routes answer under their base path; every other request
// gets `c.get('user')` / `c.get('session')` (null when signed out).
import type { MiddlewareHandler } from 'hono';
import type { Latchkey } from '../core/latchkey.ts';
import { readRequestSession } from '../core/request.ts';
import type {
  RegisteredSessionAttributes,
  RegisteredUserAttributes,
  Session,
  User,
} from '../core/types.ts';
import type { AuthHandler } from '../http/handler.ts';
import type { RequestDetails } from '../http/options.ts';

/** The context variables {@link latchkeyHono} sets. */
export interface LatchkeyVariables<
  UA extends object = RegisteredUserAttributes,
  SA extends object = RegisteredSessionAttributes,
> {
  user: User<UA> | null;
  session: Session<SA> | null;
}

// A plain `new Hono()` knows these variables too (typed with the app's registered attributes,
// see `Register`), so `c.get('user')` needs no `Variables` generic on every app and sub-router.
declare module 'hono' {
  interface ContextVariableMap extends LatchkeyVariables {}
}

type Incoming = { url?: string; socket?: { remoteAddress?: string } };

/**
 * What @hono/node-server's `c.env.incoming` tells beyond the `Request`: the socket address and
 * the raw request target (the `Request` URL has its dot segments resolved already).
 */
function requestInfo(env: unknown): RequestDetails {
  const incoming = (env as { incoming?: Incoming } | undefined)?.incoming;
  const info: RequestDetails = { clientAddress: incoming?.socket?.remoteAddress ?? null };
  if (typeof incoming?.url === 'string') info.target = incoming.url;
  return info;
}

/**
 * Hono middleware: mounts the auth routes and validates the session of every other request
 * (cookie, else bearer token), re-sending the cookie when the session was renewed.
 * @throws StoreError (through Hono's error handler) when the store fails.
 */
export function latchkeyHono<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  handler: AuthHandler,
): MiddlewareHandler<{ Variables: LatchkeyVariables<UA, SA> }> {
  return async (c, next) => {
    const request = c.req.raw;
    if (handler.matches(request)) {
      return handler.fetch(request, requestInfo(c.env));
    }
    const current = await readRequestSession(auth, request, handler.requestOrigin(request));
    c.set('user', current?.result.user ?? null);
    c.set('session', current?.result.session ?? null);
    await next();
    if (current?.renewalCookie) {
      c.res.headers.append('set-cookie', current.renewalCookie.serialize());
    }
  };
}
