// Astro over the fetch handler, as middleware: the routes answer under their base path; every
// other request gets `context.locals.user` and `context.locals.session` (null when signed out).
// Needs on-demand rendering (an adapter such as @astrojs/node): prerendered pages have no request.
import type { Latchkey } from '../core/latchkey.ts';
import type { AuthHandler } from '../http/handler.ts';
import type { CookieOptions } from './cookie-options.ts';
import { answerOrFillLocals } from './locals.ts';

/**
 * What the middleware puts on `context.locals`. Declare it in `src/env.d.ts` so that pages and
 * endpoints see it typed: `declare namespace App { interface Locals extends LatchkeyLocals<UserAttrs> {} }`.
 */
export type { LatchkeyLocals } from './locals.ts';

/** What the middleware needs of Astro's `APIContext`. */
export interface AstroContextLike {
  request: Request;
  locals: object;
  readonly clientAddress: string;
  cookies: { set(name: string, value: string, options: CookieOptions): void };
}

/** The socket address; Astro throws where the adapter cannot tell (then set getClientAddress). */
function clientAddress(context: AstroContextLike): string | null {
  try {
    return context.clientAddress;
  } catch {
    return null;
  }
}

/**
 * Astro middleware (`export const onRequest = latchkeyAstro(auth, handler)` in
 * `src/middleware.ts`, or one step of `sequence(...)`): answers the auth routes and sets
 * `context.locals.user` / `context.locals.session` for every other request, re-sending a renewed
 * session's cookie through `context.cookies`. Store failures are thrown to Astro.
 */
export function latchkeyAstro<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  handler: AuthHandler,
): (context: AstroContextLike, next: () => Promise<Response>) => Promise<Response> {
  return async (context, next) => {
    const { request, locals, cookies } = context;
    const input = { request, locals, cookies, clientAddress: () => clientAddress(context) };
    return (await answerOrFillLocals(auth, handler, input)) ?? next();
  };
}
