// Express over the fetch handler: the routes answer under their base path (through the
// node:http adapter); every other request gets `req.latchkey` (`{ user, session }` or null).
import type { NextFunction, Request, Response } from 'express';
import type { Latchkey } from '../core/latchkey.ts';
import type { SessionValidationResult } from '../core/types.ts';
import type { AuthHandler } from '../http/handler.ts';
import { getSession, toNodeHandler } from './node.ts';

declare global {
  // Express's own augmentation point for request properties.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by `latchkeyExpress`: the validated session, or `null` when signed out. */
      latchkey?: SessionValidationResult | null;
    }
  }
}

/**
 * Express middleware (mount it at the app's root): answers the auth routes and sets
 * `req.latchkey` for every other request, re-sending the cookie when the session was renewed.
 * Store failures go to `next(error)`.
 */
export function latchkeyExpress<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  handler: AuthHandler,
): (req: Request, res: Response, next: NextFunction) => void {
  const routes = toNodeHandler(handler);
  const base = handler.basePath;
  return (req, res, next) => {
    const path = req.originalUrl.split('?')[0]!;
    if (path === base || path.startsWith(`${base}/`)) {
      routes(req, res).catch(next);
      return;
    }
    getSession(auth, handler, req, res).then((result) => {
      // The app's registered attribute types (see `Register`) describe the same rows.
      req.latchkey = result as SessionValidationResult | null;
      next();
    }, next);
  };
}
