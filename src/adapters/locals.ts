// What the SvelteKit hook and the Astro middleware share: both frameworks hand a handler the
// request, a `locals` object and a cookie setter. The auth routes answer under their base path;
// every other request gets `locals.user` / `locals.session`, and a renewed session's cookie is
// re-sent through the framework's own cookie API.
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

/** What the adapter puts on the framework's `locals` (declare it in the app's `App.Locals`). */
export interface LatchkeyLocals<
  UA extends object = RegisteredUserAttributes,
  SA extends object = RegisteredSessionAttributes,
> {
  user: User<UA> | null;
  session: Session<SA> | null;
}

/** A framework's request as far as latchkey needs it. */
export interface LocalsRequest {
  request: Request;
  locals: object;
  cookies: { set(name: string, value: string, options: CookieOptions): void };
  /** The socket address, or `null` where the framework's adapter cannot tell. */
  clientAddress(): string | null;
}

/**
 * The auth route's answer, or `null` once `locals` are set (and a renewed cookie re-sent): then
 * the framework goes on with the app. Store failures are thrown to the framework.
 */
export async function answerOrFillLocals<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  handler: AuthHandler,
  input: LocalsRequest,
): Promise<Response | null> {
  const { request } = input;
  if (handler.matches(request)) {
    return handler.fetch(request, { clientAddress: input.clientAddress() });
  }
  const current = await readRequestSession(auth, request, handler.requestOrigin(request));
  if (current?.renewalCookie) {
    const cookie = current.renewalCookie;
    input.cookies.set(cookie.name, cookie.value, cookieOptions(cookie));
  }
  const locals = input.locals as LatchkeyLocals<UA, SA>;
  locals.user = current?.result.user ?? null;
  locals.session = current?.result.session ?? null;
  return null;
}
