// Starting and finishing a native sign-in through a loopback redirect (RFC 8252 §7.3). The app
// sends the person's browser to `GET /auth/{provider}?redirect_uri=http://127.0.0.1:{port}/...
// &state=...&code_challenge=...&code_challenge_method=S256`; after the provider callback the
// browser is sent back to that listener with a one-time code, never a session token.
import type { CreatedSession, Latchkey } from '../../core/latchkey.ts';
import type { Store } from '../../store.ts';
import { issueNativeCode } from './native-code.ts';
import { redirect } from '../responses.ts';

/** Options for accepting native starts. */
export interface NativeStartOptions {
  /** The only path a loopback redirect URI may have. Default `/callback`. */
  path?: string;
  /**
   * Also accept `http://localhost:{port}{path}`. Off by default: `localhost` can resolve to
   * something else than the loopback interface (RFC 8252 §8.3); enable it only for apps that
   * cannot listen on an IP literal.
   */
  allowLocalhost?: boolean;
}

/** A validated native start, to keep in the flow state until the provider callback. */
export interface NativeStart {
  redirectURI: string;
  /** The app's `state`, returned to it verbatim. */
  appState: string;
  /** The app's PKCE S256 challenge, checked when the code is exchanged. */
  codeChallenge: string;
}

/** Why a native start was refused (an RFC 6749 §4.1.2.1 error code and a fixed description). */
export interface NativeStartError {
  error: 'invalid_request';
  errorDescription: string;
}

const NATIVE_PARAMS = ['redirect_uri', 'state', 'code_challenge', 'code_challenge_method'];
// Exactly one of three spellings, a decimal port without leading zero, then the path. The
// string is matched as received: `new URL()` would turn `127.1`, `0x7f.1` or `2130706433` into
// 127.0.0.1 and so let a differently spelled (and differently resolved) target through.
const LOOPBACK_URI = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost):([1-9][0-9]{3,4})(\/[^?#]*)$/;
const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/;
// Visible ASCII, bounded: the state is reflected into a URL (encoded) and kept in a cookie.
const APP_STATE = /^[\x21-\x7e]{8,512}$/;
const PATH = /^\/[A-Za-z0-9\-._~/]{0,200}$/;

function refuse(errorDescription: string): NativeStartError {
  return { error: 'invalid_request', errorDescription };
}

/**
 * Recognises and validates a native start on `GET /auth/{provider}`.
 * @returns the start, an error to answer with 400 (never redirect to an unvalidated URI), or
 *   `null` when the request carries no native parameter (an ordinary web sign-in).
 * @throws TypeError when `options.path` is not a plain absolute path.
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 */
export function parseNativeStart(
  url: URL,
  options?: NativeStartOptions,
): NativeStart | NativeStartError | null {
  const path = options?.path ?? '/callback';
  if (typeof path !== 'string' || !PATH.test(path) || path.includes('//')) {
    throw new TypeError('latchkey: "path" must be an absolute path of URL-safe characters');
  }
  const params = url.searchParams;
  if (!NATIVE_PARAMS.some((name) => params.has(name))) return null;
  for (const name of NATIVE_PARAMS) {
    if (params.getAll(name).length > 1) return refuse(`Repeated ${name}`);
  }
  const redirectURI = params.get('redirect_uri');
  if (redirectURI === null) return refuse('Missing redirect_uri');
  const match = LOOPBACK_URI.exec(redirectURI);
  if (match === null) return refuse('redirect_uri must be http://127.0.0.1:{port} or [::1]');
  const [, host, portText, uriPath] = match;
  if (host === 'localhost' && options?.allowLocalhost !== true) {
    return refuse('redirect_uri must use 127.0.0.1 or [::1], not localhost');
  }
  const port = Number(portText);
  if (port < 1024 || port > 65535) return refuse('redirect_uri port must be 1024-65535');
  if (uriPath !== path) return refuse('redirect_uri path is not the configured one');

  const appState = params.get('state');
  if (appState === null || !APP_STATE.test(appState)) {
    return refuse('state must be 8-512 visible ASCII characters');
  }
  const codeChallenge = params.get('code_challenge');
  if (codeChallenge === null || !CODE_CHALLENGE.test(codeChallenge)) {
    return refuse('code_challenge must be 43-128 base64url characters');
  }
  if (params.get('code_challenge_method') !== 'S256') {
    return refuse('code_challenge_method must be S256');
  }
  return { redirectURI, appState, codeChallenge };
}

/** Whether {@link parseNativeStart}'s result is a refusal. */
export function isNativeStartError(
  value: NativeStart | NativeStartError | null,
): value is NativeStartError {
  return value !== null && 'error' in value;
}

/**
 * Finishes a native sign-in after the provider callback: creates the session (or takes the one
 * given as `created`, e.g. made in one transaction with a new user), stores a one-time code
 * bound to it and to the app's code challenge, and redirects the browser to the app's loopback
 * listener with `code` and `state`. The session token never enters the URL.
 * @throws LatchkeyError `user_not_found` or StoreError from session creation.
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-4.1
 */
export async function completeNativeSignIn<UA extends object, SA extends object>(
  input: {
    auth: Latchkey<UA, SA>;
    store?: Store;
    start: NativeStart;
  } & ({ userId: string; sessionAttributes?: SA } | { created: CreatedSession<SA> }),
): Promise<Response> {
  const { auth, start } = input;
  const store = input.store ?? auth.store;
  const created =
    'created' in input
      ? input.created
      : await auth.createSession({
          userId: input.userId,
          ...(input.sessionAttributes !== undefined ? { attributes: input.sessionAttributes } : {}),
        });
  const code = await issueNativeCode(store, {
    sessionId: created.session.id,
    sessionToken: created.token,
    codeChallenge: start.codeChallenge,
    now: auth.now(),
  });
  const location = new URL(start.redirectURI);
  location.search = new URLSearchParams({ code, state: start.appState }).toString();
  return redirect(location.toString());
}

/**
 * Sends the browser back to the app's listener with an RFC 6749 §4.1.2.1 error (the provider
 * sign-in failed or was cancelled), so the app stops waiting instead of timing out. Only for a
 * start that {@link parseNativeStart} validated.
 */
export function nativeErrorRedirect(
  start: NativeStart,
  error: 'access_denied' | 'server_error' | 'temporarily_unavailable',
): Response {
  const location = new URL(start.redirectURI);
  location.search = new URLSearchParams({ error, state: start.appState }).toString();
  return redirect(location.toString());
}
