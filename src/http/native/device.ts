// The device authorization grant (RFC 8628) for machines without a usable browser: the device
// gets a `device_code` to poll with and a short `user_code` the person types at `/auth/device`
// on another machine, where they sign in with a provider. The decision (approve or deny) is
// written once, insert-only, so it can race neither a second decision nor the device's polls.
import type { Latchkey } from '../../core/latchkey.ts';
import { generateToken, parseToken } from '../../core/session-token.ts';
import type { Store } from '../../store.ts';
import { parseRecord, secretMatches } from './native-code.ts';
import { encodeBase64url } from '../../core/random.ts';
import { json, oauthError } from '../responses.ts';
import { readParams } from './token-request.ts';
import type { NativeTokenResponse } from './token.ts';

const DEVICE_KIND = 'device-code';
const USER_CODE_KIND = 'device-user-code';
const GRANT_KIND = 'device-grant';
const POLL_KIND = 'device-poll';
/** Kept past expiry so a late poll hears `expired_token` rather than `invalid_grant`. */
const EXPIRED_GRACE_MS = 5 * 60_000;
/** Consonants only: no vowels (no words), no 0/O or 1/I/L look-alikes (RFC 8628 §6.1). */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

interface DeviceRecord {
  secretHash: string;
  userCode: string;
  expiresAt: number;
}
interface PollRecord {
  last: number;
  interval: number;
}
type GrantRecord =
  { status: 'approved'; userId: string; sessionAttributes?: object } | { status: 'denied' };

/** Device-flow settings shared by the routes. */
export interface DeviceOptions {
  /** Absolute URL of the verification page (`https://example.com/auth/device`). */
  verificationURI: string;
  /** Lifetime of a device code, in seconds. Default 600. */
  expiresIn?: number;
  /** Minimum seconds between polls. Default 5 (RFC 8628 §3.2). */
  interval?: number;
}

/** The RFC 8628 §3.2 device authorization response. */
export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

function randomUserCode(): string {
  let out = '';
  while (out.length < 8) {
    for (const byte of crypto.getRandomValues(new Uint8Array(16))) {
      // 240 = 12 × 20: rejecting the rest keeps every letter equally likely.
      if (byte < 240 && out.length < 8) out += USER_CODE_ALPHABET[byte % 20];
    }
  }
  return out;
}

/** Shows a user code as `XXXX-XXXX`. */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * Normalises what a person typed (case, dashes, spaces) to the stored form, or `null` when it
 * cannot be a user code. Linear scan, no regex backtracking on untrusted input.
 */
export function normalizeUserCode(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 32) return null;
  let out = '';
  for (const ch of input.toUpperCase()) {
    if (ch === '-' || ch === ' ') continue;
    if (!USER_CODE_ALPHABET.includes(ch)) return null;
    out += ch;
  }
  return out.length === 8 ? out : null;
}

/**
 * Answers `POST /auth/device/code` with a device code (`lkd_` prefix), a user code and where
 * to enter it. Rate limiting this route is the caller's job.
 * @throws StoreError when the store fails (the handler's error policy answers it with 503).
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.1
 */
export async function handleDeviceCode<UA extends object, SA extends object>(
  request: Request,
  options: DeviceOptions & { auth: Latchkey<UA, SA>; store?: Store },
): Promise<Response> {
  if (request.method !== 'POST') return oauthError('invalid_request', 'Use POST', 405);
  const store = options.store ?? options.auth.store;
  const expiresIn = options.expiresIn ?? 600;
  const interval = options.interval ?? 5;
  const now = options.auth.now();
  const expiresAt = now + expiresIn * 1000;
  const { token, id, secretHash } = generateToken('deviceCode');
  let userCode: string | null = null;
  // 20^8 ≈ 2^34.6 codes: a collision with a live one is rare; retry a few times if it happens.
  for (let attempt = 0; attempt < 5 && userCode === null; attempt++) {
    const candidate = randomUserCode();
    const value = JSON.stringify({ id, expiresAt });
    if (await store.addTemp(USER_CODE_KIND, candidate, value, expiresAt)) userCode = candidate;
  }
  if (userCode === null) return oauthError('temporarily_unavailable', 'Try again later', 503);
  const record: DeviceRecord = { secretHash: encodeBase64url(secretHash), userCode, expiresAt };
  await store.setTemp(DEVICE_KIND, id, JSON.stringify(record), expiresAt + EXPIRED_GRACE_MS);
  const poll: PollRecord = { last: 0, interval };
  await store.setTemp(POLL_KIND, id, JSON.stringify(poll), expiresAt + EXPIRED_GRACE_MS);
  const complete = new URL(options.verificationURI);
  complete.searchParams.set('user_code', formatUserCode(userCode));
  const body: DeviceAuthorizationResponse = {
    device_code: token,
    user_code: formatUserCode(userCode),
    verification_uri: options.verificationURI,
    verification_uri_complete: complete.toString(),
    expires_in: expiresIn,
    interval,
  };
  return json(200, body);
}

/** Whether a user code belongs to a live device request that awaits a decision. */
export async function findPendingUserCode(store: Store, userCode: string): Promise<boolean> {
  const code = normalizeUserCode(userCode);
  if (code === null) return false;
  const entry = parseRecord<{ id: string }>(await store.getTemp(USER_CODE_KIND, code));
  if (entry === null || typeof entry.id !== 'string') return false;
  return (await store.getTemp(GRANT_KIND, entry.id)) === null;
}

async function decide(store: Store, userCode: string, grant: GrantRecord): Promise<boolean> {
  const code = normalizeUserCode(userCode);
  if (code === null) return false;
  const entry = parseRecord<{ id: string; expiresAt: number }>(
    await store.getTemp(USER_CODE_KIND, code),
  );
  if (entry === null || typeof entry.id !== 'string') return false;
  // Insert-only: the first decision wins, a second approval (or a late deny) changes nothing.
  const won = await store.addTemp(GRANT_KIND, entry.id, JSON.stringify(grant), entry.expiresAt);
  if (won) await store.deleteTemp(USER_CODE_KIND, code);
  return won;
}

/**
 * Approves the device request behind a user code for a signed-in user: the device's next poll
 * receives a new session of that user (with `sessionAttributes`, when given). Call it from the
 * provider callback of a flow that carried the user code ({@link parseDeviceStart}).
 * @returns `false` when the code is unknown, expired or already decided.
 * @throws TypeError for an empty `userId`.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.3
 */
export async function approveDevice(
  store: Store,
  userCode: string,
  userId: string,
  options?: { sessionAttributes?: object },
): Promise<boolean> {
  if (typeof userId !== 'string' || userId.length === 0) {
    throw new TypeError('latchkey: "userId" must be a non-empty string');
  }
  const grant: GrantRecord = { status: 'approved', userId };
  if (options?.sessionAttributes !== undefined) grant.sessionAttributes = options.sessionAttributes;
  return decide(store, userCode, grant);
}

/**
 * Denies the device request behind a user code; the device's next poll hears `access_denied`.
 * @returns `false` when the code is unknown, expired or already decided.
 */
export async function denyDevice(store: Store, userCode: string): Promise<boolean> {
  return decide(store, userCode, { status: 'denied' });
}

/**
 * Recognises a device approval flow on `GET /auth/{provider}?device_user_code=...`. Only a
 * same-origin navigation (the link on the verification page) is accepted: a link from an
 * e-mail or another site must not sign a victim straight into an attacker's device (RFC 8628
 * §5.4, remote phishing), so the person always sees the code and the warning first.
 * @returns the normalised user code, `{ error }` to answer with 400, or `null` when absent.
 */
export function parseDeviceStart(
  request: Request,
  url: URL,
): { userCode: string } | { error: 'invalid_request'; errorDescription: string } | null {
  const values = url.searchParams.getAll('device_user_code');
  if (values.length === 0) return null;
  const userCode = values.length === 1 ? normalizeUserCode(values[0]) : null;
  if (userCode === null) return { error: 'invalid_request', errorDescription: 'Bad user code' };
  if (request.headers.get('sec-fetch-site') !== 'same-origin') {
    return { error: 'invalid_request', errorDescription: 'Start from the device page' };
  }
  return { userCode };
}

/**
 * Answers `POST /auth/device/token` polls: `authorization_pending`, `slow_down` (polled faster
 * than the interval; the interval grows by 5 s), `expired_token`, `access_denied`, or — once —
 * `{ token, user, expiresAt }` for a new session of the approving user.
 * @throws StoreError when the store fails (the handler's error policy answers it with 503).
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.5
 */
export async function handleDeviceToken<UA extends object, SA extends object>(
  request: Request,
  options: { auth: Latchkey<UA, SA>; store?: Store; sessionAttributes?: SA },
): Promise<Response> {
  if (request.method !== 'POST') return oauthError('invalid_request', 'Use POST', 405);
  const params = await readParams(request);
  if (params === null) return oauthError('invalid_request', 'Malformed request body');
  if (params.get('grant_type') !== DEVICE_GRANT_TYPE) {
    return oauthError('unsupported_grant_type', `grant_type must be ${DEVICE_GRANT_TYPE}`);
  }
  const parts = parseToken('deviceCode', params.get('device_code'));
  if (parts === null) return oauthError('invalid_grant', 'Invalid device code');
  return poll(options.auth, options.store ?? options.auth.store, parts, options);
}

async function poll<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  store: Store,
  parts: { id: string; secret: string },
  options: { sessionAttributes?: SA },
): Promise<Response> {
  const record = parseRecord<DeviceRecord>(await store.getTemp(DEVICE_KIND, parts.id));
  if (record === null || !secretMatches(parts.secret, record.secretHash)) {
    return oauthError('invalid_grant', 'Invalid device code');
  }
  const now = auth.now();
  if (now >= record.expiresAt) return oauthError('expired_token', 'The device code expired');
  const last = parseRecord<PollRecord>(await store.getTemp(POLL_KIND, parts.id));
  const interval = last?.interval ?? 5;
  // 20% tolerance: requests sent exactly `interval` apart may arrive a little closer.
  const tooFast = last !== null && now - last.last < interval * 800;
  const next: PollRecord = { last: now, interval: tooFast ? interval + 5 : interval };
  await store.setTemp(POLL_KIND, parts.id, JSON.stringify(next), record.expiresAt);
  if (tooFast) return oauthError('slow_down', `Poll at most every ${next.interval} seconds`);

  const grant = parseRecord<GrantRecord>(await store.takeTemp(GRANT_KIND, parts.id));
  if (grant === null) return oauthError('authorization_pending', 'Waiting for the person');
  await store.deleteTemp(DEVICE_KIND, parts.id);
  await store.deleteTemp(POLL_KIND, parts.id);
  if (grant.status !== 'approved') return oauthError('access_denied', 'The person declined');
  const user = await auth.getUser(grant.userId);
  if (user === null) return oauthError('access_denied', 'The user no longer exists');
  // Attributes chosen when the person approved (in the browser) win over the route's default.
  const attributes = (grant.sessionAttributes as SA | undefined) ?? options.sessionAttributes;
  const created = await auth.createSession({
    userId: grant.userId,
    ...(attributes !== undefined ? { attributes } : {}),
  });
  const body: NativeTokenResponse = {
    token: created.token,
    user: { id: user.id, attributes: user.attributes, createdAt: user.createdAt.toISOString() },
    expiresAt: created.session.expiresAt.toISOString(),
  };
  return json(200, body);
}
