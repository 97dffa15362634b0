// Signing a native app in with a device code (RFC 8628), for machines where no browser can be
// opened: the person enters a short code on any other device while this one polls.
import { LatchkeyError } from '../core/errors.ts';
import {
  errorCode,
  fail,
  postForm,
  readSession,
  serverBase,
  type NativeSession,
} from './server-request.ts';

const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
// Waiting a little longer than asked keeps network jitter and clock skew between this machine
// and the server from making a poll look early (which would cost 5 s of slow_down each time).
const POLL_MARGIN_MS = 250;

/** What to show the person. */
export interface DeviceCodePrompt {
  userCode: string;
  verificationURI: string;
  /** The verification URI with the code prefilled (for a link or a QR code). */
  verificationURIComplete: string | null;
  /** When the code stops working (local clock). */
  expiresAt: Date;
}

/** Options of {@link deviceSignIn}. */
export interface DeviceSignInOptions {
  server: string | URL;
  /** Shows the code and URL to the person; sign-in continues while it runs. */
  onCode: (prompt: DeviceCodePrompt) => void;
  signal?: AbortSignal;
  /** The server's auth route prefix. Default `/auth`. */
  basePath?: string;
  fetch?: typeof fetch;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Signs in with the device authorization grant: asks for a code, shows it through `onCode`,
 * and polls at the server's interval (5 s more after each `slow_down`) until the person
 * approves, denies, or the code expires.
 * @throws LatchkeyError `access_denied`, `expired_token`, `server_unreachable` / `server_response`;
 *   rejects with `signal.reason` on abort.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export async function deviceSignIn(options: DeviceSignInOptions): Promise<NativeSession> {
  if (typeof options?.onCode !== 'function') {
    throw new TypeError('latchkey: "onCode" must be a function');
  }
  const base = serverBase(options.server);
  const basePath = options.basePath ?? '/auth';
  const request = { ...(options.fetch ? { fetch: options.fetch } : {}) };
  const signal = options.signal;
  signal?.throwIfAborted();
  const started = Date.now();
  const { status, body } = await postForm(
    `${base}${basePath}/device/code`,
    {},
    {
      ...request,
      ...(signal ? { signal } : {}),
    },
  );
  if (status !== 200) fail('server_response', 'The server refused a device code', errorCode(body));
  const deviceCode = body?.device_code;
  const userCode = body?.user_code;
  const verificationURI = body?.verification_uri;
  const expiresIn = Number(body?.expires_in);
  let interval = body?.interval === undefined ? 5 : Number(body.interval);
  if (
    typeof deviceCode !== 'string' ||
    typeof userCode !== 'string' ||
    typeof verificationURI !== 'string' ||
    !(expiresIn > 0) ||
    !(interval >= 0)
  ) {
    throw new LatchkeyError('server_response', 'The server sent an unexpected device response');
  }
  // The expiry is relative to when we asked, on our own clock: no cross-clock comparison.
  const deadline = started + expiresIn * 1000;
  const complete = body?.verification_uri_complete;
  options.onCode({
    userCode,
    verificationURI,
    verificationURIComplete: typeof complete === 'string' ? complete : null,
    expiresAt: new Date(deadline),
  });
  for (;;) {
    if (Date.now() + interval * 1000 >= deadline) {
      throw new LatchkeyError('expired_token', 'The device code expired before it was approved');
    }
    await sleep(interval * 1000 + POLL_MARGIN_MS, signal);
    const answer = await postForm(
      `${base}${basePath}/device/token`,
      { grant_type: DEVICE_GRANT_TYPE, device_code: deviceCode },
      { ...request, ...(signal ? { signal } : {}) },
    );
    if (answer.status === 200) return readSession(answer.body);
    const code = errorCode(answer.body);
    if (code === 'authorization_pending') continue;
    if (code === 'slow_down') {
      interval += 5; // RFC 8628 §3.5: for this and all later polls
      continue;
    }
    if (code === 'access_denied') fail('access_denied', 'The sign-in was declined', code);
    if (code === 'expired_token') fail('expired_token', 'The device code expired', code);
    fail('server_response', 'The server refused the device sign-in', code);
  }
}
