// Signing a native app in through the system browser and a loopback listener (RFC 8252): the
// app holds the state and the PKCE verifier, the browser only ever carries a one-time code.
import { LatchkeyError } from '../core/errors.ts';
import { startLoopbackListener } from './loopback-listener.ts';
import { openSystemBrowser, type OpenBrowser } from './open-browser.ts';
import { codeChallengeS256, randomBase64url } from './pkce.ts';
import {
  errorCode,
  fail,
  postForm,
  readSession,
  serverBase,
  type NativeSession,
} from './server-request.ts';

/** Options of {@link signIn}. */
export interface SignInOptions {
  /** The latchkey server's base URL (`https://example.com`). */
  server: string | URL;
  /** The provider route id (`github`). */
  provider: string;
  /** Opens the sign-in URL; default: `$BROWSER`, else xdg-open / open / rundll32. */
  openBrowser?: OpenBrowser;
  /** Called with the sign-in URL before the browser opens, e.g. to print it. */
  onURL?: (url: string) => void;
  /** Called when the opener failed; the listener keeps waiting for a manual visit. */
  onOpenError?: (error: unknown, url: string) => void;
  /** Give up after this long. Default 5 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Listener path; must match the server's configured path. Default `/callback`. */
  path?: string;
  /** The server's auth route prefix. Default `/auth`. */
  basePath?: string;
  /** For tests and custom agents. */
  fetch?: typeof fetch;
}

/**
 * Signs in through the system browser: binds 127.0.0.1 on a random port, opens
 * `{server}/auth/{provider}` with a fresh state and PKCE challenge, waits for the redirect,
 * then exchanges the one-time code at `POST {server}/auth/token`.
 * @returns the session token, user and expiry.
 * @throws LatchkeyError `sign_in_timeout` after `timeoutMs`; `access_denied` when the server
 *   redirected with an error; `native_code` when the exchange was refused; `server_unreachable` /
 *   `server_response` for network or protocol failures. Rejects with `signal.reason` on abort.
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 */
export async function signIn(options: SignInOptions): Promise<NativeSession> {
  if (typeof options?.provider !== 'string' || !/^[a-z0-9-]{1,64}$/.test(options.provider)) {
    throw new TypeError('latchkey: "provider" must be a provider route id such as "github"');
  }
  const base = serverBase(options.server);
  const basePath = options.basePath ?? '/auth';
  const state = randomBase64url();
  const codeVerifier = randomBase64url();
  const listener = await startLoopbackListener({
    state,
    path: options.path ?? '/callback',
    timeoutMs: options.timeoutMs ?? 300_000,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    const url = new URL(`${base}${basePath}/${options.provider}`);
    url.search = new URLSearchParams({
      redirect_uri: listener.redirectURI,
      state,
      code_challenge: await codeChallengeS256(codeVerifier),
      code_challenge_method: 'S256',
    }).toString();
    options.onURL?.(url.toString());
    const open = options.openBrowser ?? openSystemBrowser;
    // The browser runs on its own; a failure to open it only means the person must do it.
    Promise.resolve()
      .then(() => open(url.toString()))
      .catch((error: unknown) => options.onOpenError?.(error, url.toString()));

    const result = await listener.result;
    if ('error' in result) {
      throw new LatchkeyError('access_denied', `The sign-in was not completed (${result.error})`);
    }
    const { status, body } = await postForm(
      `${base}${basePath}/token`,
      { grant_type: 'authorization_code', code: result.code, code_verifier: codeVerifier },
      { ...(options.fetch ? { fetch: options.fetch } : {}) },
    );
    if (status !== 200) fail('native_code', 'The server refused the sign-in code', errorCode(body));
    return readSession(body);
  } finally {
    await listener.close();
  }
}
