// Express over the fetch handler: the routes answer under their base path (through the
// node:http adapter); every other request gets `req.latchkey` (`{ user, session }` or null).
import type { NextFunction, Request, Response } from 'express';
import type { Latchkey } from '../core/latchkey.ts';
import type { SessionValidationResult } from '../core/types.ts';
import type { AuthHandler } from '../http/handler.ts';
import { answerNodeRequest, isAuthPath, readNodeSession, sendResponse } from './node.ts';

declare global {
  // Express's own augmentation point for request properties.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * Set by `latchkeyExpress`: the validated session, or `null` when signed out. Typed with
       * the attributes registered in `Register`; `latchkey.current(req)` has the instance's.
       */
      latchkey?: SessionValidationResult | null;
    }
  }
}

/** The middleware {@link latchkeyExpress} returns, with a typed reader of what it set. */
export interface LatchkeyExpress<UA extends object, SA extends object> {
  (req: Request, res: Response, next: NextFunction): void;
  /**
   * The request's session as the middleware set it, typed with this latchkey instance's
   * attributes (`req.latchkey` only knows the registered ones). `null` when signed out.
   * @throws Error when the middleware has not run for this request (mounted after the route).
   */
  current(req: Request): SessionValidationResult<UA, SA> | null;
}

/**
 * Express middleware (mount it at the app's root): answers the auth routes and sets
 * `req.latchkey` for every other request, re-sending the cookie when the session was renewed.
 * Store failures go to `next(error)`.
 */
export function latchkeyExpress<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  handler: AuthHandler,
): LatchkeyExpress<UA, SA> {
  const middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (isAuthPath(handler, req.originalUrl)) {
      answerNodeRequest(handler, req)
        .then((response) => sendResponse(res, response))
        .catch(next);
      return;
    }
    readNodeSession(auth, handler, req).then((current) => {
      if (current?.renewalCookie) res.append('set-cookie', current.renewalCookie.serialize());
      // The app's registered attribute types (see `Register`) describe the same rows.
      req.latchkey = (current?.result ?? null) as SessionValidationResult | null;
      next();
    }, next);
  };
  return Object.assign(middleware, {
    current: (req: Request) => {
      if (req.latchkey === undefined) throw new Error('latchkey: latchkeyExpress has not run');
      return req.latchkey as SessionValidationResult<UA, SA> | null;
    },
  });
}
