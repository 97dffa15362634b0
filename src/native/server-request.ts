// The app's requests to the latchkey server's native routes, and how it reads their answers.
import { LatchkeyError, type LatchkeyErrorCode } from '../core/errors.ts';

/** A signed-in native session, as the server hands it out. */
export interface NativeSession {
  /** The bearer session token (`lks_...`). Keep it in a {@link TokenStore}, never in a URL. */
  token: string;
  user: { id: string; attributes: unknown; createdAt?: string };
  expiresAt: Date;
}

/** Normalises a server base URL (`https://example.com` or with a path prefix). */
export function serverBase(server: string | URL): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new TypeError('latchkey: "server" must be an absolute http(s) URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError('latchkey: "server" must be an absolute http(s) URL');
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError('latchkey: "server" must not carry credentials, a query or a fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** POSTs a form and returns the status with the parsed JSON body (`null` if not JSON). */
export async function postForm(
  url: string,
  params: Record<string, string>,
  options: { fetch?: typeof fetch; signal?: AbortSignal },
): Promise<{ status: number; body: Record<string, unknown> | null }> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(params).toString(),
      redirect: 'error',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new LatchkeyError('server_unreachable', 'Could not reach the sign-in server', {
      cause: error,
    });
  }
  let body: Record<string, unknown> | null = null;
  try {
    const parsed: unknown = await response.json();
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      body = parsed as Record<string, unknown>;
    }
  } catch {
    body = null;
  }
  return { status: response.status, body };
}

/** Reads a `{ token, user, expiresAt }` success body, or throws `server_response`. */
export function readSession(body: Record<string, unknown> | null): NativeSession {
  const user = body?.user as NativeSession['user'] | undefined;
  const expiresAt = new Date(typeof body?.expiresAt === 'string' ? body.expiresAt : NaN);
  if (
    typeof body?.token !== 'string' ||
    typeof user !== 'object' ||
    user === null ||
    typeof user.id !== 'string' ||
    Number.isNaN(expiresAt.getTime())
  ) {
    throw new LatchkeyError('server_response', 'The server sent an unexpected sign-in response');
  }
  return { token: body.token, user, expiresAt };
}

/** An OAuth error body's `error`, if it is a short plain code (safe to show). */
export function errorCode(body: Record<string, unknown> | null): string {
  const code = body?.error;
  return typeof code === 'string' && /^[a-z_]{1,64}$/.test(code) ? code : 'server_error';
}

/** Throws a LatchkeyError for a failed server answer, naming only the OAuth error code. */
export function fail(code: LatchkeyErrorCode, what: string, oauthCode: string): never {
  throw new LatchkeyError(code, `${what} (${oauthCode})`);
}
