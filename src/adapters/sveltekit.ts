// SvelteKit over the fetch handler, as a `handle` hook: the routes answer under their base path;
// every other request gets `event.locals.user` and `event.locals.session` (null when signed out).
import type { Latchkey } from '../core/latchkey.ts';
import type { AuthHandler } from '../http/handler.ts';
import type { CookieOptions } from './cookie-options.ts';
import { answerOrFillLocals } from './locals.ts';

/**
 * What the hook puts on `event.locals`. Declare it in `src/app.d.ts` so that every load function,
 * action and endpoint sees it typed: `interface Locals extends LatchkeyLocals<UserAttrs> {}`.
 */
export type { LatchkeyLocals } from './locals.ts';

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
    const { request, locals, cookies } = event;
    const input = { request, locals, cookies, clientAddress: () => clientAddress(event) };
    return (await answerOrFillLocals(auth, handler, input)) ?? resolve(event);
  };
}
