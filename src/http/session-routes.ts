// Routes over the signed-in session: read it, list and revoke sessions, sign out, unlink.
import type { Cookie } from '../core/cookies.ts';
import { readRequestSession, readSessionToken, type RequestSession } from '../core/request.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { canSignInWith } from './connect.ts';
import { endProviderSession, readSignOutRequest } from './logout/end-session.ts';
import type { RequestContext, ResolvedOptions } from './options.ts';
import { isSameOriginRequest } from './origin.ts';
import { errorResponse, json, noContent, redirect } from './responses.ts';

type H = ResolvedOptions<object, object>;

/** The validated session of a request, and whether it came from the cookie or a bearer token. */
export type CurrentSession = RequestSession<object, object>;

/** Reads the session cookie, else the bearer token; `null` when neither is valid. */
export function currentSession(
  h: H,
  ctx: RequestContext,
  options: { cookieOnly?: boolean } = {},
): Promise<CurrentSession | null> {
  const only = options.cookieOnly ? 'cookie' : undefined;
  return readRequestSession(h.auth, ctx.request, ctx.origin, { only });
}

/**
 * A request that may change state: from our own origin, or carrying a bearer token and no
 * cookie (a bearer header cannot be attached by a cross-site form, so it is not CSRF-able).
 */
export function mayChangeState(h: H, ctx: RequestContext): boolean {
  if (readSessionToken(h.auth, ctx.request, ctx.origin)?.via === 'bearer') return true;
  return isSameOriginRequest(ctx.request, ctx.origin, h.allowedOrigins);
}

function wantsHTML(request: Request): boolean {
  const accept = request.headers.get('accept') ?? '';
  return accept.length < 1024 && accept.includes('text/html');
}

/** After a state change: a form post goes on to `location`, an API call gets 204. */
function done(ctx: RequestContext, location: string, cookies: Cookie[]): Response {
  if (wantsHTML(ctx.request)) return redirect(new URL(location, ctx.origin).href, cookies, 303);
  return noContent(cookies);
}

function refreshCookie(current: CurrentSession): Cookie[] {
  return current.renewalCookie ? [current.renewalCookie] : [];
}

/** `GET {base}/session`: the current `{ user, session }`, or 401. */
export async function getSessionRoute(h: H, ctx: RequestContext): Promise<Response> {
  const current = await currentSession(h, ctx);
  if (!current) return errorResponse(401, 'unauthorized');
  const { user, session } = current.result;
  return json(200, { user, session }, refreshCookie(current));
}

/** `GET {base}/sessions`: the user's live sessions, the current one flagged. */
export async function listSessionsRoute(h: H, ctx: RequestContext): Promise<Response> {
  const current = await currentSession(h, ctx);
  if (!current) return errorResponse(401, 'unauthorized');
  const sessions = await h.auth.getUserSessions(current.result.user.id);
  const body = sessions.map((s) => ({
    id: s.id,
    attributes: s.attributes,
    createdAt: s.createdAt,
    lastSeenAt: s.lastSeenAt,
    expiresAt: s.expiresAt,
    current: s.id === current.result.session.id,
  }));
  return json(200, { sessions: body }, refreshCookie(current));
}

/** `POST|DELETE {base}/sessions/{id}`: revokes one of the user's own sessions (others: 404). */
export async function revokeSessionRoute(
  h: H,
  ctx: RequestContext,
  sessionId: string,
): Promise<Response> {
  if (!mayChangeState(h, ctx)) return errorResponse(403, 'forbidden_origin');
  const current = await currentSession(h, ctx);
  if (!current) return errorResponse(401, 'unauthorized');
  const own = await h.auth.getUserSessions(current.result.user.id);
  if (!own.some((s) => s.id === sessionId)) return errorResponse(404, 'not_found');
  await h.auth.invalidateSession(sessionId);
  const cookies: Cookie[] = [];
  if (sessionId === current.result.session.id && current.via === 'cookie') {
    cookies.push(h.auth.createBlankSessionCookie(ctx.origin));
  }
  return done(ctx, h.successURL, cookies);
}

/**
 * `POST {base}/logout` (`?all` or `{base}/logout-all` signs out everywhere). With
 * `providerLogout`, the provider session behind the current session may end too: the answer is
 * then a redirect to the provider (`{ location }` with 200 for an API call).
 */
export async function logoutRoute(h: H, ctx: RequestContext, all: boolean): Promise<Response> {
  if (!mayChangeState(h, ctx)) return errorResponse(403, 'forbidden_origin');
  const request = await readSignOutRequest(h, ctx);
  if (request instanceof Response) return request;
  const current = await currentSession(h, ctx);
  const cookies = [h.auth.createBlankSessionCookie(ctx.origin)];
  let provider: string | null = null;
  if (current) {
    const { user, session } = current.result;
    if (all) await h.auth.invalidateUserSessions(user.id);
    else await h.auth.invalidateSession(session.id);
    if (all && h.revokeTokensOnSignOutEverywhere && h.tokenVault !== null) {
      for (const account of await h.auth.getUserAccounts(user.id)) {
        await h.tokenVault.revokeTokens(account);
      }
    }
    await h.hooks.onSignOut?.({ user, session, all });
    provider = await endProviderSession(h, ctx, session.id, request);
  }
  if (provider === null) return done(ctx, request.target, cookies);
  if (wantsHTML(ctx.request)) return redirect(provider, cookies, 303);
  return json(200, { location: provider }, cookies);
}

/** `POST {base}/{provider}/unlink`: removes the provider from the user, never the last account. */
export async function unlinkRoute(
  h: H,
  ctx: RequestContext,
  provider: OAuthProvider,
): Promise<Response> {
  if (!mayChangeState(h, ctx)) return errorResponse(403, 'forbidden_origin');
  const current = await currentSession(h, ctx);
  if (!current) return errorResponse(401, 'unauthorized');
  const accounts = await h.auth.getUserAccounts(current.result.user.id);
  const matching = accounts.filter(
    (a) => a.providerId === provider.id && a.issuer === provider.issuer,
  );
  if (matching.length === 0) return errorResponse(404, 'not_found');
  // Never the last account the person can sign in with (a connect-only one is not such).
  const remaining = accounts.filter((a) => !matching.includes(a) && canSignInWith(h, a));
  if (remaining.length === 0 && matching.some((a) => canSignInWith(h, a))) {
    return errorResponse(409, 'last_account');
  }
  for (const account of matching) {
    // Revocation clears the stored tokens even when the provider refuses; then the link goes.
    await h.tokenVault?.revokeTokens(account);
    await h.auth.unlinkAccount(account);
  }
  return done(ctx, h.successURL, []);
}
