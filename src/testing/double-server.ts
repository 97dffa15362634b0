// The node:http server under every provider double: listens on 127.0.0.1 (a free port), parses
// the request target, logs each request with its credentials redacted, turns body errors into
// 4xx and any bug into a 500 (never a crash), and closes every socket on `close()`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyError, sendJSON } from './double-http.ts';

/** One request a double received; `Authorization` keeps its scheme only, `Cookie` is redacted. */
export interface DoubleRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  /** The query string, `?…` or `''`. */
  query: string;
  headers: Record<string, string>;
  /** The double's clock when the request arrived. */
  time: number;
}

function logEntry(req: IncomingMessage, url: URL, time: number): DoubleRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    // Keep the scheme (`Basic`, `Bearer`) for assertions, never the credential.
    if (name === 'authorization') headers[name] = `${text.split(' ')[0] ?? ''} [redacted]`;
    else if (name === 'cookie') headers[name] = '[redacted]';
    else headers[name] = text;
  }
  return { method: req.method ?? '', path: url.pathname, query: url.search, headers, time };
}

/** How a double answers, and what its error bodies look like. */
export interface DoubleServerOptions<R extends DoubleRequest> {
  now: () => number;
  /** Builds the log entry kept in `requests` (a double may add fields). */
  log: (entry: DoubleRequest) => R;
  requests: R[];
  route: (req: IncomingMessage, res: ServerResponse, url: URL, entry: R) => Promise<void>;
  /** The JSON body of the double's own errors (bad request target, body errors, bugs). */
  errorBody: (message: string, status: number) => unknown;
}

/** A listening double server. */
export interface DoubleServer {
  /** `http://127.0.0.1:PORT`. */
  origin: string;
  close(): Promise<void>;
}

/** Starts a double's server on 127.0.0.1, on a free port. */
export async function startDoubleServer<R extends DoubleRequest>(
  options: DoubleServerOptions<R>,
): Promise<DoubleServer> {
  const { now, errorBody } = options;
  const server = createServer(async (req, res) => {
    let url: URL;
    try {
      if (!req.url?.startsWith('/')) throw new TypeError('absolute-form request target');
      // Concatenated, not resolved, so `//host/path` stays a path.
      url = new URL(`http://double.invalid${req.url}`);
    } catch {
      return sendJSON(res, 400, errorBody('Bad request', 400), now());
    }
    const entry = options.log(logEntry(req, url, now()));
    options.requests.push(entry);
    try {
      await options.route(req, res, url, entry);
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      if (error instanceof BodyError) {
        return sendJSON(res, error.status, errorBody(error.message, error.status), now(), {
          Connection: 'close',
        });
      }
      // Never reached by design; a 500 keeps a bug visible without crashing the test run.
      sendJSON(res, 500, errorBody('Double internal error', 500), now());
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    async close() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
