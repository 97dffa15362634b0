// SvelteKit over the fetch handler, as a `handle` hook: the routes answer under their base path;
// every other request gets `event.locals.user` and `event.locals.session` (null when signed out).
import type { Latchkey } from '../core/latchkey.ts';
import { readRequestSession } from '../core/request.ts';
import type {
  RegisteredSessionAttributes,
  RegisteredUserAttributes,
  Session,
  User,
} from '../core/types.ts';
import type { AuthHandler } from '../http/handler.ts';
import { cookieOptions, type CookieOptions } from './cookie-options.ts';

/**
 * What the hook puts on `event.locals`. Declare it in `src/app.d.ts` so that every load function,
 * action and endpoint sees it typed: `interface Locals extends LatchkeyLocals<UserAttrs> {}`.
 */
export interface LatchkeyLocals<
  UA extends object = RegisteredUserAttributes,
  SA extends object = RegisteredSessionAttributes,
> {
  user: User<UA> | null;
  session: Session<SA> | null;
}

/** What the hook needs of SvelteKit's `RequestEvent`. */
export interface SvelteKitEventLike {
  request: Request;
  locals: object;
  getClientAddress(): string;
  cookies: { set(name: string, value: string, options: CookieOptions): void };
}

/** The socket address; SvelteKit throws where the adapter cannot tell (then set getClientAddress). */
function clientAddress(event: SvelteKitEventLike): string | null {
  try {
    return event.getClientAddress();
  } catch {
    return null;
  }
}

/**
 * A SvelteKit `handle` hook (`export const handle = latchkeySvelteKit(auth, handler)` in
 * `src/hooks.server.ts`, or one step of `sequence(...)`): answers the auth routes and sets
 * `event.locals.user` / `event.locals.session` for every other request, re-sending a renewed
 * session's cookie through `event.cookies`. Store failures are thrown to SvelteKit's
 * `handleError`.
 */
export function latchkeySvelteKit<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  handler: AuthHandler,
): (input: {
  event: SvelteKitEventLike;
  resolve(event: SvelteKitEventLike): Response | Promise<Response>;
}) => Promise<Response> {
  return async ({ event, resolve }) => {
    const { request } = event;
    if (handler.matches(request)) {
      return handler.fetch(request, { clientAddress: clientAddress(event) });
    }
    const current = await readRequestSession(auth, request, handler.requestOrigin(request));
    if (current?.renewalCookie) {
      const cookie = current.renewalCookie;
      event.cookies.set(cookie.name, cookie.value, cookieOptions(cookie));
    }
    const locals = event.locals as LatchkeyLocals<UA, SA>;
    locals.user = current?.result.user ?? null;
    locals.session = current?.result.session ?? null;
    return resolve(event);
  };
}
