// The app's throwaway HTTP listener on 127.0.0.1 (RFC 8252 §7.3): it waits for one browser
// redirect carrying the state it created, answers with a small page and shuts down. Anything
// else (another path, a foreign state, a DNS-rebound Host) gets a 400 and is otherwise ignored,
// so a local process or a web page cannot end or hijack the sign-in.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LatchkeyError } from '../core/errors.ts';
import { timingSafeEqualString } from './pkce.ts';

/** What the browser brought back: a one-time code, or the server's error code. */
export type LoopbackResult = { code: string } | { error: string };

/** A listening loopback server. */
export interface LoopbackListener {
  /** `http://127.0.0.1:{port}{path}`. */
  redirectURI: string;
  port: number;
  /**
   * Settles once: with the first request that has the right path and state, or rejects on
   * timeout (`sign_in_timeout`) or abort (the signal's reason). The port is released first.
   */
  result: Promise<LoopbackResult>;
  /** Stops listening and releases the port (idempotent). */
  close(): Promise<void>;
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  connection: 'close',
};

function page(title: string, text: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
    `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto}</style>` +
    `</head><body><h1>${title}</h1><p>${text}</p></body></html>`
  );
}

const SUCCESS = page(
  'Signed in',
  'You are signed in. You can close this tab and return to the app.',
);
const FAILURE = page(
  'Sign-in failed',
  'The sign-in did not complete. Return to the app and try again.',
);
const IGNORED = page('Not found', 'This address only answers the sign-in it was opened for.');
const ERROR_CODE = /^[a-z_]{1,64}$/;

/**
 * Binds 127.0.0.1 on a random port and waits for the redirect of one native sign-in.
 * @throws TypeError for a bad `path`; rejects `result` as described on {@link LoopbackListener}.
 */
export async function startLoopbackListener(options: {
  state: string;
  path?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<LoopbackListener> {
  const path = options.path ?? '/callback';
  if (!/^\/[A-Za-z0-9\-._~/]{0,200}$/.test(path)) {
    throw new TypeError('latchkey: "path" must be an absolute path of URL-safe characters');
  }
  options.signal?.throwIfAborted();
  let settle!: (outcome: { value: LoopbackResult } | { error: unknown }) => void;
  const outcome = new Promise<{ value: LoopbackResult } | { error: unknown }>((resolve) => {
    settle = resolve;
  });
  let done = false;
  let port = 0;

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const answer = (status: number, html: string): void => {
      response.writeHead(status, PAGE_HEADERS).end(html);
    };
    if (done) return answer(410, IGNORED);
    const host = request.headers.host;
    if (request.method !== 'GET' || host !== `127.0.0.1:${port}` || !request.url) {
      return answer(400, IGNORED);
    }
    let url: URL;
    try {
      url = new URL(request.url, `http://127.0.0.1:${port}`);
    } catch {
      return answer(400, IGNORED);
    }
    const states = url.searchParams.getAll('state');
    if (
      url.pathname !== path ||
      states.length !== 1 ||
      !timingSafeEqualString(states[0]!, options.state)
    ) {
      return answer(400, IGNORED);
    }
    const codes = url.searchParams.getAll('code');
    const errors = url.searchParams.getAll('error');
    if (codes.length === 1 && errors.length === 0 && codes[0]!.length <= 512) {
      done = true;
      answer(200, SUCCESS);
      settle({ value: { code: codes[0]! } });
      return;
    }
    if (errors.length === 1 && codes.length === 0) {
      done = true;
      answer(400, FAILURE);
      settle({ value: { error: ERROR_CODE.test(errors[0]!) ? errors[0]! : 'server_error' } });
      return;
    }
    answer(400, IGNORED);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      done = true;
      server.close(() => resolve());
      // Browsers keep idle (pre)connections open; drop them now, and any busy one once the
      // last answer has had time to flush.
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 200).unref();
    });
    settle({ error: new DOMException('The loopback listener was closed', 'AbortError') });
    return closing;
  };

  const timer = setTimeout(
    () => settle({ error: new LatchkeyError('sign_in_timeout', 'The sign-in timed out') }),
    options.timeoutMs,
  );
  const onAbort = (): void => settle({ error: options.signal!.reason });
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const result = outcome.then(async (end) => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await close();
    if ('error' in end) throw end.error;
    return end.value;
  });
  // The caller may close early and never await `result`; avoid an unhandled rejection then.
  result.catch(() => {});
  return { redirectURI: `http://127.0.0.1:${port}${path}`, port, result, close };
}
