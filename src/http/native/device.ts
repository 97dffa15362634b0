// The device authorization grant (RFC 8628) for machines without a usable browser: the device
// gets a `device_code` to poll with and a short `user_code` the person types at `/auth/device`
// on another machine, where they sign in with a provider (device-approval.ts).
import type { Latchkey } from '../../core/latchkey.ts';
import { encodeBase64url } from '../../core/random.ts';
import { generateToken, parseToken } from '../../core/session-token.ts';
import type { Store } from '../../store.ts';
import { json, oauthError } from '../responses.ts';
import {
  DEVICE_KIND,
  GRANT_KIND,
  POLL_KIND,
  USER_CODE_KIND,
  formatUserCode,
  randomUserCode,
  type DeviceRecord,
  type GrantRecord,
  type PollRecord,
} from './device-codes.ts';
import { parseRecord, secretMatches } from './native-code.ts';
import { readParams } from './token-request.ts';
import type { NativeTokenResponse } from './token.ts';

/** Kept past expiry so a late poll hears `expired_token` rather than `invalid_grant`. */
const EXPIRED_GRACE_MS = 5 * 60_000;
export const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

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
