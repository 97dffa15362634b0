// h3 over the fetch handler, for h3 v2 (its event carries a fetch `Request`) and h3 v1 — the one
// Nuxt 3 and 4 run (its event carries Node's request). One event handler: it answers the routes
// under their base path and sets `event.context.user` / `event.context.session` (null when
// signed out) for every other request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Latchkey } from '../core/latchkey.ts';
import { readRequestSession, type RequestSession } from '../core/request.ts';
import type {
  RegisteredSessionAttributes,
  RegisteredUserAttributes,
  Session,
  SessionValidationResult,
  User,
} from '../core/types.ts';
import type { AuthHandler } from '../http/handler.ts';
import { answerNodeRequest, isAuthPath, readNodeSession } from './node.ts';

/**
 * What {@link latchkeyH3} sets on `event.context`. To read `event.context.user` typed, add it to
 * h3's context in your own declarations (h3 v1 and v2 differ in where that interface lives):
 * `declare module 'h3' { interface H3EventContext extends LatchkeyContext<UserAttrs> {} }`.
 */
export interface LatchkeyContext<
  UA extends object = RegisteredUserAttributes,
  SA extends object = RegisteredSessionAttributes,
> {
  user?: User<UA> | null;
  session?: Session<SA> | null;
}

/** What the adapter needs of an h3 event, v1 or v2. */
export interface H3EventLike {
  readonly context: object;
  /** v2: the fetch request (srvx's, with the client's `ip`); v1: Node's, deprecated. */
  readonly req?: unknown;
  /** v2: the prepared response's headers. */
  readonly res?: unknown;
  /** v1: Node's request and response. */
  readonly node?: unknown;
}

/** The event handler {@link latchkeyH3} returns, with a typed reader of what it set. */
export interface LatchkeyH3<UA extends object, SA extends object> {
  (event: H3EventLike): Promise<Response | undefined>;
  /** The event's session, typed with this latchkey instance's attributes; null when signed out. */
  current(event: H3EventLike): SessionValidationResult<UA, SA> | null;
}

/**
 * An h3 event handler: `app.use(latchkeyH3(auth, handler))` on h3 v2; in Nuxt,
 * `server/middleware/latchkey.ts` exporting `defineEventHandler(latchkeyH3(auth, handler))`.
 * Answers the auth routes with a `Response`; for every other request sets `event.context.user`
 * and `event.context.session`, re-sends a renewed session's cookie and returns `undefined` (the
 * request goes on). Store failures are thrown to h3's error handling.
 */
export function latchkeyH3<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  handler: AuthHandler,
): LatchkeyH3<UA, SA> {
  const answer = async (event: H3EventLike): Promise<Response | undefined> => {
    let current: RequestSession<UA, SA> | null;
    const request = event.req as (Request & { ip?: string }) | undefined;
    if (typeof request?.headers?.get === 'function') {
      if (handler.matches(request)) {
        return handler.fetch(request, { clientAddress: request.ip ?? null });
      }
      current = await readRequestSession(auth, request, handler.requestOrigin(request));
      const headers = (event.res as { headers: Headers }).headers;
      if (current?.renewalCookie) headers.append('set-cookie', current.renewalCookie.serialize());
    } else {
      const node = event.node as { req: IncomingMessage; res: ServerResponse };
      if (isAuthPath(handler, node.req.url)) return answerNodeRequest(handler, node.req);
      current = await readNodeSession(auth, handler, node.req);
      if (current?.renewalCookie) {
        node.res.appendHeader('set-cookie', current.renewalCookie.serialize());
      }
    }
    const context = event.context as LatchkeyContext<UA, SA>;
    context.user = current?.result.user ?? null;
    context.session = current?.result.session ?? null;
    return undefined;
  };
  return Object.assign(answer, {
    current: (event: H3EventLike) => {
      const { user, session } = event.context as LatchkeyContext<UA, SA>;
      return user && session ? ({ user, session } as SessionValidationResult<UA, SA>) : null;
    },
  });
}
