// node:http over the fetch handler: convert IncomingMessage → Request and Response →
// ServerResponse, passing the socket's address for rate limiting.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Latchkey } from '../core/latchkey.ts';
import { readRequestSession, type RequestSession } from '../core/request.ts';
import type { SessionValidationResult } from '../core/types.ts';
import type { AuthHandler } from '../http/handler.ts';
import { responseText } from '../http/responses.ts';

/** Largest request body forwarded to the handler; larger bodies get 413. */
const MAX_BODY = 64 * 1024;
const HOST = /^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:[0-9]{1,5})?$/;

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer> | null> {
  if (req.method === 'GET' || req.method === 'HEAD') return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  if (size === 0) return null;
  const out = new Uint8Array(size);
  out.set(Buffer.concat(chunks));
  return out;
}

// Origins by `Host` header, one map per scheme: an app sees one or a handful of hosts, and every
// session read needs the origin. Bounded, because `Host` is the client's to choose.
const httpOrigins = new Map<string, string>();
const httpsOrigins = new Map<string, string>();
const MAX_HOSTS = 64;

/**
 * A Node request's origin, normalised: the scheme from the socket, the host from `Host`
 * (`localhost` when it is missing or malformed).
 */
function originOf(req: IncomingMessage): string {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const rawHost = req.headers.host ?? '';
  const known = encrypted ? httpsOrigins : httpOrigins;
  let origin = known.get(rawHost);
  if (origin === undefined) {
    const scheme = encrypted ? 'https' : 'http';
    origin = `${scheme}://localhost`;
    if (HOST.test(rawHost)) {
      try {
        origin = new URL(`${scheme}://${rawHost}`).origin;
      } catch {
        // A host the pattern lets through but URL refuses (`[:::]`): as if it were missing.
      }
    }
    if (known.size >= MAX_HOSTS) known.clear();
    known.set(rawHost, origin);
  }
  return origin;
}

/**
 * Builds a fetch `Request` from a Node request. The URL's host comes from the `Host` header
 * (a malformed one is replaced by `localhost`); the scheme from the socket.
 * @throws Error "body too large" past 64 KiB (the node handler answers 413).
 */
export async function toRequest(req: IncomingMessage, path = req.url): Promise<Request> {
  const target = path?.startsWith('/') ? path : '/';
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    } catch {
      // A header value fetch refuses (non-Latin-1): drop it rather than fail the request.
    }
  }
  const body = await readBody(req);
  return new Request(originOf(req) + target, { method: req.method ?? 'GET', headers, body });
}

/** Writes a fetch `Response` to a Node response (all `Set-Cookie` headers kept apart). */
export async function sendResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  const text = responseText(response);
  if (text !== undefined) res.end(text);
  else res.end(response.body ? new Uint8Array(await response.arrayBuffer()) : null);
}

/** Whether a Node request's target is under the handler's base path (`/auth`, `/auth/…`). */
export function isAuthPath(handler: AuthHandler, target: string | undefined): boolean {
  const path = (target ?? '/').split('?')[0]!;
  return path === handler.basePath || path.startsWith(`${handler.basePath}/`);
}

/**
 * The handler's answer to a Node request, with the socket's address for rate limiting and the
 * raw target for routing: what every adapter over node:http (Express, Fastify, Koa) sends back.
 * A body over 64 KiB gets 413, an unreadable one 400. Never throws.
 */
export async function answerNodeRequest(
  handler: AuthHandler,
  req: IncomingMessage,
): Promise<Response> {
  // Express rewrites `req.url` under a mount path; the original is the real one.
  const target = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  let request: Request;
  try {
    request = await toRequest(req, target);
  } catch (error) {
    const status = error instanceof BodyTooLarge ? 413 : 400;
    return Response.json({ error: 'invalid_request' }, { status });
  }
  return handler.fetch(request, { clientAddress: req.socket.remoteAddress ?? null, target });
}

/**
 * A node:http request listener that answers with the fetch handler (the caller decides which
 * requests reach it; see {@link AuthHandler.matches}).
 */
export function toNodeHandler(
  handler: AuthHandler,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => sendResponse(res, await answerNodeRequest(handler, req));
}

/**
 * Reads a Node request's session (cookie, else bearer token) with the cookie named as the
 * handler's routes name it; the result carries the renewal cookie to re-send, if any.
 * @throws StoreError when the store fails.
 */
export function readNodeSession<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  handler: AuthHandler,
  req: IncomingMessage,
): Promise<RequestSession<UA, SA> | null> {
  const own = originOf(req);
  const origin = handler.requestOrigin({ url: own, urlOrigin: own, headers: req.headers });
  return readRequestSession(auth, req, origin);
}

/**
 * Validates the session of a Node request (cookie, else bearer token), naming the cookie as the
 * handler's routes do. When the session was renewed and `res` is given, the cookie is re-sent.
 * `null` when signed out.
 * @throws StoreError when the store fails.
 */
export function getSession<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  handler: AuthHandler,
  req: IncomingMessage,
  res?: ServerResponse,
): Promise<SessionValidationResult<UA, SA> | null> {
  // One promise less than an async function awaiting it: this runs on every request.
  return readNodeSession(auth, handler, req).then((current) => {
    if (current?.renewalCookie && res) {
      const existing = res.getHeader('set-cookie');
      const list = Array.isArray(existing) ? existing : existing ? [String(existing)] : [];
      res.setHeader('set-cookie', [...list, current.renewalCookie.serialize()]);
    }
    return current?.result ?? null;
  });
}
