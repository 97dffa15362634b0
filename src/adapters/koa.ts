// Koa over the fetch handler: the routes answer under their base path (mount it before any body
// parser: it reads the raw request); every other request gets `ctx.state.user` and
// `ctx.state.session` (null when signed out), typed through the middleware's state.
import type { Middleware } from 'koa';
import type { Latchkey } from '../core/latchkey.ts';
import type {
  RegisteredSessionAttributes,
  RegisteredUserAttributes,
  Session,
  User,
} from '../core/types.ts';
import type { AuthHandler } from '../http/handler.ts';
import { answerNodeRequest, isAuthPath, readNodeSession, sendResponse } from './node.ts';

/** What {@link latchkeyKoa} puts on `ctx.state`. */
export interface LatchkeyState<
  UA extends object = RegisteredUserAttributes,
  SA extends object = RegisteredSessionAttributes,
> {
  user: User<UA> | null;
  session: Session<SA> | null;
}

/**
 * Koa middleware (`app.use(latchkeyKoa(auth, handler))`, whose returned app knows the state):
 * answers the auth routes and sets `ctx.state.user` / `ctx.state.session` for every other
 * request, re-sending the cookie when the session was renewed. Store failures are thrown to
 * Koa's error handling.
 */
export function latchkeyKoa<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  handler: AuthHandler,
): Middleware<LatchkeyState<UA, SA>> {
  return async (ctx, next) => {
    if (isAuthPath(handler, ctx.req.url)) {
      const response = await answerNodeRequest(handler, ctx.req);
      // The fetch response is the whole answer: Koa would turn a bodiless 302 into "Found".
      ctx.respond = false;
      await sendResponse(ctx.res, response);
      return;
    }
    const current = await readNodeSession(auth, handler, ctx.req);
    if (current?.renewalCookie) ctx.append('set-cookie', current.renewalCookie.serialize());
    ctx.state.user = current?.result.user ?? null;
    ctx.state.session = current?.result.session ?? null;
    await next();
  };
}
