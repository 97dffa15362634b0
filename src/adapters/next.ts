// Next.js (App Router) over the fetch handler: route handlers for `app/auth/[...latchkey]/route.ts`,
// a `getSession()` that server components, route handlers and server actions call with no
// argument — it reads the request through `headers()` from next/headers — and a `signOut()` for
// server actions, which cannot answer with the logout route's response.
import { cookies, headers } from 'next/headers.js';
import type { Latchkey } from '../core/latchkey.ts';
import { readRequestSession } from '../core/request.ts';
import type { SessionValidationResult } from '../core/types.ts';
import type { AuthHandler } from '../http/handler.ts';
import { cookieOptions } from './cookie-options.ts';
import { signOutThroughHandler, type SignOutOptions } from './sign-out.ts';

export type { SignOutOptions } from './sign-out.ts';

/** What {@link latchkeyNext} returns: the route handlers and the session reader. */
export interface LatchkeyNext<UA extends object, SA extends object> {
  GET(request: Request): Promise<Response>;
  HEAD(request: Request): Promise<Response>;
  POST(request: Request): Promise<Response>;
  DELETE(request: Request): Promise<Response>;
  /**
   * The current request's session (cookie, else bearer token), typed with this instance's
   * attributes; `null` when signed out. Where Next lets cookies be set (route handlers, server
   * actions) a renewed session's cookie is re-sent; a server component cannot set one, so there
   * the session is renewed in the store and the cookie on the next route that can.
   * @throws StoreError when the store fails.
   */
  getSession(): Promise<SessionValidationResult<UA, SA> | null>;
  /**
   * Signs the current request out — for a server action's `<form action={…}>` sign-out button,
   * or a route handler — through the handler's `POST {basePath}/logout` (its origin check,
   * `onSignOut` hook and provider logout run as for a form post), then deletes the session
   * cookie through `cookies()`. Not in a server component (Next forbids setting cookies there).
   * @returns the provider's end-session URL to `redirect()` to, or `null` when done locally.
   * @throws LatchkeyError `config` when the request's `Origin` is not the app's origin (set the
   * handler's `origin` option behind a proxy); StoreError when the store fails.
   */
  signOut(options?: SignOutOptions): Promise<string | null>;
}

/**
 * Next.js App Router glue: `export const { GET, HEAD, POST, DELETE } = latchkey` in
 * `app/auth/[...latchkey]/route.ts` (the handler's `basePath`, `/auth` by default), and
 * `latchkey.getSession()` anywhere on the server. Next's `request.url` is not the browser's
 * address under `next dev` (always `localhost`) nor behind most proxies: give the handler its
 * `origin` option there (docs/frameworks.md). Next gives no socket address: set the handler's
 * `getClientAddress` from your platform's header for rate limiting.
 */
export function latchkeyNext<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  handler: AuthHandler,
): LatchkeyNext<UA, SA> {
  const route = (request: Request) => handler.fetch(request);
  return {
    GET: route,
    HEAD: route,
    POST: route,
    DELETE: route,
    async getSession() {
      const incoming = await headers();
      const current = await readRequestSession(auth, incoming, appOrigin(handler, incoming));
      if (current?.renewalCookie) {
        const { name, value } = current.renewalCookie;
        try {
          (await cookies()).set(name, value, cookieOptions(current.renewalCookie));
        } catch {
          // A server component: Next forbids setting cookies while rendering (see above).
        }
      }
      return current?.result ?? null;
    },
    async signOut(options) {
      const incoming = await headers();
      const origin = appOrigin(handler, incoming);
      const location = await signOutThroughHandler(handler, incoming, origin, options);
      // The blank cookie the route sent, set with every attribute: a `__Host-` cookie is only
      // replaced by a Secure one with Path=/, which `cookies().delete(name)` would not send.
      const blank = auth.createBlankSessionCookie(origin);
      (await cookies()).set(blank.name, blank.value, cookieOptions(blank));
      return location;
    },
  };
}

/**
 * The app's origin for the request Next is answering: the handler's `origin` option when set,
 * else (with `trustProxy`) the forwarded headers, else the `Host` the browser used.
 */
function appOrigin(handler: AuthHandler, incoming: Headers): string {
  const proto = incoming.get('x-forwarded-proto') === 'https' ? 'https' : 'http';
  const url = `${proto}://${incoming.get('host') ?? 'localhost'}/`;
  return handler.requestOrigin({ url, headers: incoming });
}
