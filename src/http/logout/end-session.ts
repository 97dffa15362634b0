// Ending the provider session on sign-out: after the latchkey session is gone, the browser goes
// to the provider's end-session endpoint with the sign-in's ID token as a hint, comes back to
// `{base}/{provider}/logout-callback` with the `state` we sent, and lands on the target the
// sign-out request named — under the same rule as `success_url`.
import { LatchkeyError } from '../../core/errors.ts';
import { randomString } from '../../core/random.ts';
import type { RequestContext, ResolvedOptions } from '../options.ts';
import { resolveRedirectTarget } from '../redirect.ts';
import { redirect } from '../responses.ts';
import { isFormBody, readFormBody } from './form-body.ts';
import { forgetProviderSession, readProviderSession } from './provider-session.ts';

type H = ResolvedOptions<object, object>;

const STATE_KIND = 'logout-state';
// Long enough to confirm a sign-out on the provider's page, short enough not to linger.
const STATE_LIFETIME = 10 * 60_000;
const MAX_FORM = 8 * 1024;

/** What a sign-out request asks for, from its query string or its form body. */
export interface SignOutRequest {
  /** `end_provider_session=1`: end the provider session too (with `endSession: 'when-asked'`). */
  endProviderSession: boolean;
  /** Where to land afterwards: `success_url` if it passes the redirect rule, else `signOutURL`. */
  target: string;
}

/** Reads a sign-out request's fields; an unreadable form body is an error answer. */
export async function readSignOutRequest(
  h: H,
  ctx: RequestContext,
): Promise<SignOutRequest | Response> {
  let fields = ctx.url.searchParams;
  if (ctx.request.body !== null && isFormBody(ctx.request)) {
    const form = await readFormBody(ctx.request, MAX_FORM);
    if (form instanceof Response) return form;
    fields = new URLSearchParams([...ctx.url.searchParams, ...form]);
  }
  const fallback = new URL(h.signOutURL, ctx.origin).href;
  return {
    endProviderSession: fields.getAll('end_provider_session').includes('1'),
    target:
      resolveRedirectTarget(fields.get('success_url'), ctx.origin, h.allowedOrigins) ?? fallback,
  };
}

/**
 * For a session that has just been signed out: the provider's end-session URL to send the
 * browser to, or `null` to finish locally (not asked for, nothing remembered, or the provider has
 * no end-session endpoint or cannot be reached — a provider outage never blocks a sign-out).
 * The session's provider record is forgotten either way.
 */
export async function endProviderSession(
  h: H,
  ctx: RequestContext,
  sessionId: string,
  request: SignOutRequest,
): Promise<string | null> {
  const settings = h.providerLogout;
  if (settings === null) return null;
  const record = await readProviderSession(h, sessionId);
  if (record === null) return null;
  await forgetProviderSession(h, sessionId);
  const wanted =
    settings.endSession === 'always' ||
    (settings.endSession === 'when-asked' && request.endProviderSession);
  const provider = h.providers.get(record.providerId);
  if (!wanted || provider?.logout === undefined || !settings.providers.has(provider.id)) {
    return null;
  }
  const state = randomString(32);
  const value = JSON.stringify({ p: provider.id, t: request.target });
  await h.auth.store.setTemp(STATE_KIND, state, value, h.auth.now() + STATE_LIFETIME);
  try {
    const url = await provider.logout.createEndSessionURL({
      idTokenHint: record.idToken,
      postLogoutRedirectURI: `${ctx.origin}${h.basePath}/${provider.id}/logout-callback`,
      state,
    });
    if (url !== null) return url.href;
  } catch (error) {
    h.logger.error('latchkey: could not reach the provider to end its session', {
      provider: provider.id,
      name: error instanceof Error ? error.name : typeof error,
      code: error instanceof LatchkeyError ? error.code : 'none',
    });
  }
  await h.auth.store.deleteTemp(STATE_KIND, state);
  return null;
}

/**
 * `GET {base}/{provider}/logout-callback`: the provider's way back. A known `state` (used once)
 * leads to the target fixed at sign-out; anything else to `signOutURL` — the sign-out itself
 * already happened, so there is nothing to refuse.
 */
export async function logoutCallbackRoute(
  h: H,
  ctx: RequestContext,
  providerId: string,
): Promise<Response> {
  const fallback = new URL(h.signOutURL, ctx.origin).href;
  const state = ctx.url.searchParams.get('state');
  if (state === null || !/^[a-z2-7]{52}$/.test(state)) return redirect(fallback);
  const raw = await h.auth.store.takeTemp(STATE_KIND, state);
  let saved: { p?: unknown; t?: unknown } | null;
  try {
    saved = raw === null ? null : (JSON.parse(raw) as { p?: unknown; t?: unknown });
  } catch {
    saved = null;
  }
  if (saved?.p !== providerId || typeof saved.t !== 'string') return redirect(fallback);
  // Stored after the redirect rule; checked again in case the app's origins changed meanwhile.
  return redirect(resolveRedirectTarget(saved.t, ctx.origin, h.allowedOrigins) ?? fallback);
}
