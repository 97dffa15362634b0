// The person's side of the device grant (RFC 8628 §3.3): the approval flow starts from the
// device page and, after the provider sign-in, approves or denies the device's request.
import type { Store } from '../../store.ts';
import { GRANT_KIND, USER_CODE_KIND, normalizeUserCode, type GrantRecord } from './device-codes.ts';
import { parseRecord } from './native-code.ts';

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
