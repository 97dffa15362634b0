// What a latchkey session remembers of the provider session it came from, without a schema
// change: short-lived records that live exactly as long as the session can.
//
//   provider-session / {session id}          → sealed { provider, iss, sid, sub, ID token }
//   provider-sid     / H(provider, iss, sid) → the user id of that provider session
//   provider-sub     / H(provider, iss, sub) → the user id of that subject
//
// `sid` and `sub` are unique only per issuer, and one provider can have several (Entra's
// `common`: one per tenant), so the ID token's `iss` is part of every key and every match.
//
// The first record gives RP-initiated logout its `id_token_hint` (sealed with a key derived from
// the handler's secret, bound to the session id: a database dump shows no ID token, and a record
// moved to another session does not open). The two indexes lead a logout token to a user, whose
// sessions are then matched one by one against their own records — so only sessions made by a
// sign-in through that provider, for that provider session or subject, are ever revoked.
import { encodeBase64url } from '../../core/random.ts';
import { sha256 } from '../../core/sha256.ts';
import type { LogoutTokenClaims } from '../../oauth/logout-token.ts';
import type { OAuthProvider, OAuthTokens } from '../../oauth/provider.ts';
import type { ResolvedOptions } from '../options.ts';

type H = ResolvedOptions<object, object>;

const SESSION_KIND = 'provider-session';
const SID_KIND = 'provider-sid';
const SUB_KIND = 'provider-sub';
// The sealer opens at most 4 KiB: a longer ID token is not kept, and the end-session request
// then identifies the client by `client_id` alone (RP-Initiated Logout §2 allows it).
const MAX_SEALED = 4096;

/** The provider session behind one latchkey session. */
export interface ProviderSession {
  providerId: string;
  iss: string | null;
  sid: string | null;
  sub: string | null;
  idToken: string | null;
}

interface Sealed {
  p: string;
  iss: string | null;
  sid: string | null;
  sub: string | null;
  idt: string | null;
}

function indexKey(providerId: string, iss: string, value: string): string {
  // Hashed: provider values are long and arbitrary; store keys are short and plain.
  return encodeBase64url(sha256(`${providerId}\n${iss}\n${value}`));
}

function claim(claims: Record<string, unknown>, name: string): string | null {
  const value = claims[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 1024 ? value : null;
}

/**
 * Remembers, for a session a sign-in just created, the provider session it came from. Does
 * nothing unless `providerLogout` covers the provider and the sign-in carried an ID token.
 */
export async function rememberProviderSession(
  h: H,
  provider: OAuthProvider,
  tokens: OAuthTokens,
  session: { id: string; userId: string; absoluteExpiresAt: Date },
): Promise<void> {
  const settings = h.providerLogout;
  if (settings === null || !settings.providers.has(provider.id)) return;
  if (tokens.idTokenClaims === null) return;
  const sid = claim(tokens.idTokenClaims, 'sid');
  const sub = claim(tokens.idTokenClaims, 'sub');
  const iss = claim(tokens.idTokenClaims, 'iss');
  if (iss === null) return;
  const record: Sealed = { p: provider.id, iss, sid, sub, idt: tokens.idToken };
  let sealed = await settings.sealer.seal(record, session.id);
  if (sealed.length > MAX_SEALED)
    sealed = await settings.sealer.seal({ ...record, idt: null }, session.id);
  const expiresAt = session.absoluteExpiresAt.getTime();
  const store = h.auth.store;
  await store.setTemp(SESSION_KIND, session.id, sealed, expiresAt);
  // Later sign-ins move the indexes' expiry forward: they always cover the newest session.
  if (sid !== null)
    await store.setTemp(SID_KIND, indexKey(provider.id, iss, sid), session.userId, expiresAt);
  if (sub !== null)
    await store.setTemp(SUB_KIND, indexKey(provider.id, iss, sub), session.userId, expiresAt);
}

/** The provider session behind a latchkey session, or `null` when none was remembered. */
export async function readProviderSession(
  h: H,
  sessionId: string,
): Promise<ProviderSession | null> {
  const settings = h.providerLogout;
  if (settings === null) return null;
  const raw = await h.auth.store.getTemp(SESSION_KIND, sessionId);
  const record = (await settings.sealer.open(raw, sessionId)) as Sealed | null;
  if (record === null || typeof record !== 'object' || typeof record.p !== 'string') return null;
  return {
    providerId: record.p,
    iss: typeof record.iss === 'string' ? record.iss : null,
    sid: record.sid,
    sub: record.sub,
    idToken: record.idt,
  };
}

/** Drops the record of a session that has ended. */
export function forgetProviderSession(h: H, sessionId: string): Promise<void> {
  return h.auth.store.deleteTemp(SESSION_KIND, sessionId);
}

/**
 * The live latchkey sessions a valid logout token ends. With `sid`: the sessions signed in
 * through this provider session (and, when the token names `sub` too, for that subject). With
 * `sub` only: every session signed in through this provider as that subject. Never a session
 * made through another provider or under another issuer of it, or by a device approval, or
 * before `providerLogout` was on.
 */
export async function sessionsEndedBy(
  h: H,
  providerId: string,
  claims: Pick<LogoutTokenClaims, 'sid' | 'sub' | 'iss'>,
): Promise<string[]> {
  const { sid, sub, iss } = claims;
  const userId =
    sid !== null
      ? await h.auth.store.getTemp(SID_KIND, indexKey(providerId, iss, sid))
      : await h.auth.store.getTemp(SUB_KIND, indexKey(providerId, iss, sub!));
  if (userId === null) return [];
  const ended: string[] = [];
  for (const session of await h.auth.getUserSessions(userId)) {
    const record = await readProviderSession(h, session.id);
    if (record === null || record.providerId !== providerId || record.iss !== iss) continue;
    if (sid !== null && record.sid !== sid) continue;
    if (sub !== null && record.sub !== sub) continue;
    ended.push(session.id);
  }
  return ended;
}
