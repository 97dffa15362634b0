// The sign-in (and link) flow: start → provider → callback. The callback consumes the flow
// before any token request, so a replayed or concurrent second callback gets 400 and never
// reaches the provider's token endpoint.
import { readCookie, type Cookie } from '../core/cookies.ts';
import { AccountExistsError, LatchkeyError } from '../core/errors.ts';
import type { AccountKey } from '../core/types.ts';
import { OAuthCallbackError, OAuthRequestError, OAuthResponseError } from '../oauth/errors.ts';
import type { OAuthProvider, OAuthTokens, ProviderProfile } from '../oauth/provider.ts';
import { sameString } from './constant-time.ts';
import { signInErrorCode } from './error-codes.ts';
import {
  FLOW_LIFETIME,
  createBlankFlowCookie,
  createFlowCookie,
  flowCookieName,
  openFlowCookie,
  type FlowState,
} from './flow-cookie.ts';
import type { RequestContext, ResolvedOptions } from './options.ts';
import { MAX_REDIRECT_TARGET, resolveRedirectTarget } from './redirect.ts';
import { errorPage, errorResponse, redirect, withCookies } from './responses.ts';
import { logSignInFailure, type ProviderSaid } from './sign-in-log.ts';
import { confirmPage } from './confirm-page.ts';
import { linkScopes } from './connect.ts';
import { createPendingStartCookie, openPendingStart } from './pending-start.ts';
import { currentSession, mayChangeState } from './session-routes.ts';
import { completeSignIn } from './sign-in-session.ts';

type H = ResolvedOptions<object, object>;

const MAX_SCOPE_PARAM = 1024;

/** Parses `?scope=` (space- or comma-separated); `null` when an entry is not allowed. */
function parseScopes(value: string | null, provider: OAuthProvider): string[] | undefined | null {
  if (value === null) return undefined;
  if (value.length > MAX_SCOPE_PARAM) return null;
  const scopes = value.split(/[ ,]/).filter((s) => s.length > 0);
  if (scopes.length === 0) return undefined;
  for (const scope of scopes) if (!provider.allowedScopes.includes(scope)) return null;
  return [...new Set(scopes)];
}

/**
 * `GET {base}/{provider}` (and `POST {base}/{provider}/link`): seals the flow into a cookie and
 * redirects to the provider (303 after a POST, so the browser follows with a GET).
 * `linkSessionId` is the session that starts a link flow. A start the sign-in extension takes
 * over (a native app or device) is validated first: a bad one is refused; one the person must
 * confirm first is answered with the confirmation page.
 */
export async function startRoute(
  h: H,
  ctx: RequestContext,
  provider: OAuthProvider,
  link: { sessionId: string; userId: string } | null,
): Promise<Response> {
  // A connect-only provider is reached through the link route alone.
  if (link === null && h.connectOnly.has(provider.id)) return errorResponse(400, 'connect_only');
  const linkSessionId = link?.sessionId ?? null;
  const params = ctx.url.searchParams;
  // The one length limit of a return URL, checked here so that no start the browser is sent on
  // from can fail at the callback for a cookie too large (after the person signed in).
  const asked = params.get('success_url');
  if (asked !== null && asked.length > MAX_REDIRECT_TARGET) {
    return errorResponse(400, 'invalid_request');
  }
  const ext =
    linkSessionId === null && h.extension !== null
      ? h.extension.parseStart(ctx.request, ctx.url)
      : null;
  if (ext instanceof Response) return ext;
  const askedScopes = parseScopes(params.get('scope'), provider);
  if (askedScopes === null) return errorResponse(400, 'invalid_scope');
  const scopes =
    link === null ? askedScopes : await linkScopes(h, link.userId, provider, askedScopes);
  const fallback = new URL(h.successURL, ctx.origin).href;
  const resolved = resolveRedirectTarget(asked, ctx.origin, h.allowedOrigins) ?? fallback;
  if (resolved.length > MAX_REDIRECT_TARGET) return errorResponse(400, 'invalid_request');
  if (ext !== null && h.extension !== null) {
    const appName = h.extension.confirmation(ext, ctx.request, ctx.origin);
    if (appName !== null) {
      const pending = { providerId: provider.id, ext, scopes: scopes ?? null };
      const cookie = await createPendingStartCookie(h.sealer, pending, h.auth.now(), ctx);
      const action = `${h.basePath}/${provider.id}/confirm`;
      return confirmPage(action, appName, provider.name, [cookie]);
    }
  }
  // An app or a device gets the session, not this browser: it lands on no target of its own.
  const target = ext === null ? resolved : fallback;
  return beginFlow(h, ctx, provider, { linkSessionId, ext, scopes, target });
}

/** Creates the authorization request, seals its flow into the cookie and sends the browser on. */
async function beginFlow(
  h: H,
  ctx: RequestContext,
  provider: OAuthProvider,
  start: {
    linkSessionId: string | null;
    ext: unknown;
    scopes: string[] | undefined;
    target: string;
  },
): Promise<Response> {
  const redirectURI = `${ctx.origin}${h.basePath}/${provider.id}/callback`;
  const request = await provider.createAuthorizationURL(
    start.scopes === undefined ? { redirectURI } : { redirectURI, scopes: start.scopes },
  );
  const flow: FlowState = {
    kind: start.linkSessionId === null ? 'signin' : 'link',
    providerId: provider.id,
    state: request.state,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
    scopes: start.scopes ?? [...provider.defaultScopes],
    redirectURI,
    target: start.target,
    sessionId: start.linkSessionId,
    ext: start.ext,
    expiresAt: h.auth.now() + FLOW_LIFETIME,
  };
  // Remembered so that only this flow's callback may come as a form post (and must).
  if (
    provider.formPostCallback === true &&
    request.url.searchParams.get('response_mode') === 'form_post'
  ) {
    flow.formPost = true;
  }
  const cookie = await createFlowCookie(h.sealer, flow, ctx);
  return redirect(request.url.href, [cookie], ctx.request.method === 'POST' ? 303 : 302);
}

/** The `decision` of a confirmation form post: `confirm`, `cancel`, or `null` for anything else. */
async function readDecision(request: Request): Promise<'confirm' | 'cancel' | null> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return null;
  // `decision=confirm` is all a real answer holds: refuse a large body before reading it.
  if (Number(request.headers.get('content-length') ?? '0') > 256) return null;
  const text = await request.text();
  if (text.length > 256) return null;
  const values = new URLSearchParams(text).getAll('decision');
  const [value] = values;
  return values.length === 1 && (value === 'confirm' || value === 'cancel') ? value : null;
}

/**
 * `POST {base}/{provider}/confirm`: the person's answer on the confirmation page. Continue
 * starts the flow that waited in the flow cookie; cancel ends it (the app hears
 * `access_denied`). Only a same-origin form post counts, and only with the waiting start's cookie.
 */
export async function confirmRoute(
  h: H,
  ctx: RequestContext,
  provider: OAuthProvider,
): Promise<Response> {
  if (h.extension === null) return errorResponse(404, 'not_found');
  if (!mayChangeState(h, ctx)) return errorResponse(403, 'forbidden_origin');
  const clear = createBlankFlowCookie(ctx);
  const cookie = readCookie(ctx.request.headers.get('cookie'), flowCookieName(ctx));
  const pending = await openPendingStart(h.sealer, cookie, provider.id, h.auth.now(), h.extension);
  if (pending === null) return errorResponse(400, 'invalid_state', [clear]);
  const decision = await readDecision(ctx.request);
  if (decision === null) return errorResponse(400, 'invalid_request');
  if (decision === 'cancel') {
    const told = await h.extension.fail(pending.ext, 'access_denied');
    return told === null
      ? errorRedirect(h, ctx, 'access_denied', clear)
      : withCookies(told, [clear]);
  }
  const target = new URL(h.successURL, ctx.origin).href;
  const scopes = pending.scopes ?? undefined;
  return beginFlow(h, ctx, provider, { linkSessionId: null, ext: pending.ext, scopes, target });
}

/** Sends the browser to the error page (or the app's `errorURL`) with a reason code. */
function errorRedirect(h: H, ctx: RequestContext, code: string, clear: Cookie): Response {
  const url = new URL(h.errorURL ?? `${h.basePath}/error`, ctx.origin);
  url.searchParams.set('error', code);
  return redirect(url.href, [clear], ctx.request.method === 'POST' ? 303 : 302);
}

/**
 * `GET {base}/{provider}/callback`, or its `POST` with `form` for a flow that asked for
 * `response_mode=form_post`. Every answer clears the flow cookie.
 */
export async function callbackRoute(
  h: H,
  ctx: RequestContext,
  provider: OAuthProvider,
  form: URLSearchParams | null = null,
): Promise<Response> {
  const clear = createBlankFlowCookie(ctx);
  let ext: unknown = null;
  const log = (code: string, reason: string, said?: ProviderSaid): void =>
    logSignInFailure(h.logger, provider.id, code, reason, said);
  const fail = async (code: string, reason = code, said?: ProviderSaid): Promise<Response> => {
    log(code, reason, said);
    // An app or device waiting for an answer is told, rather than left to time out.
    const told = ext === null || h.extension === null ? null : await h.extension.fail(ext, code);
    if (told !== null) return withCookies(told, [clear]);
    return errorRedirect(h, ctx, code, clear);
  };
  const refuse = (code: 'invalid_state' | 'invalid_request', reason: string): Response => {
    log(code, reason);
    return errorResponse(400, code, [clear]);
  };
  const params = form ?? ctx.url.searchParams;
  const header = ctx.request.headers.get('cookie');
  const cookie = readCookie(header, flowCookieName(ctx));
  if (cookie === null && !namesCookie(header, flowCookieName(ctx))) {
    // The most common first-hour failure (a blocked cookie, localhost vs 127.0.0.1): say so.
    log('missing_flow_cookie', 'missing_flow_cookie');
    return h.errorURL === null
      ? errorPage('missing_flow_cookie', [clear])
      : errorRedirect(h, ctx, 'missing_flow_cookie', clear);
  }
  const flow = await openFlowCookie(h.sealer, cookie, provider.id, h.auth.now(), h.extension);
  if (flow === null) return refuse('invalid_state', 'invalid_flow_cookie');
  const state = params.get('state');
  if (state === null) return refuse('invalid_state', 'missing_state');
  if (!sameString(state, flow.state)) return refuse('invalid_state', 'state_mismatch');
  // The answer comes the way the flow asked for it: a GET for a form_post flow (a code in a
  // URL) or a post for a query flow is refused before anything is spent or written.
  if ((flow.formPost === true) !== (form !== null)) {
    return refuse('invalid_request', 'wrong_response_mode');
  }
  // Consume the flow before anything else can happen: of two identical callbacks, only one
  // inserts this record; the other stops here without a token request.
  if (!(await h.auth.store.addTemp('flow-used', flow.state, '1', flow.expiresAt))) {
    return refuse('invalid_state', 'flow_already_used');
  }
  ext = flow.ext;
  const providerError = params.get('error');
  if (providerError !== null) {
    const description = params.get('error_description');
    return fail(signInErrorCode(providerError), 'provider_error', {
      error: providerError,
      errorDescription: description,
    });
  }

  let tokens: OAuthTokens;
  let profile: ProviderProfile;
  try {
    // The provider sees the callback under the redirect URI it was sent to, even when the
    // request reached us under an internal URL (proxy, `origin` option).
    const callbackURL = new URL(flow.redirectURI);
    callbackURL.search = form === null ? ctx.url.search : form.toString();
    tokens = await provider.validateAuthorizationCode({
      callbackURL,
      expectedState: flow.state,
      redirectURI: flow.redirectURI,
      codeVerifier: flow.codeVerifier,
      nonce: flow.nonce,
      scopes: flow.scopes ?? undefined,
    });
    profile = (await provider.getUser(tokens)).profile;
  } catch (error) {
    if (error instanceof LatchkeyError && error.code !== 'store_error') {
      return fail(error.code, failureReason(error), providerSaid(error));
    }
    throw error;
  }

  const key: AccountKey = {
    providerId: provider.id,
    issuer: provider.issuer,
    providerUserId: profile.providerUserId,
  };
  if (flow.kind === 'link') return completeLink(h, ctx, flow, key, tokens, fail, clear);
  return completeSignIn(h, ctx, flow, { provider, key, profile, tokens }, { fail, clear });
}

/** Whether a `Cookie` header names `name` at all (once, twice, oversized: anything). */
function namesCookie(header: string | null, name: string): boolean {
  return (
    header !== null && header.split(';').some((part) => part.trimStart().startsWith(`${name}=`))
  );
}

/** The finer reason of a failed token exchange or profile request: the error's own, or its name. */
function failureReason(error: LatchkeyError): string {
  if (error instanceof OAuthCallbackError) return error.reason;
  if (error instanceof OAuthResponseError && error.reason !== null) return error.reason;
  return error.name;
}

/** What the provider said, for a token endpoint or API refusal. */
function providerSaid(error: LatchkeyError): ProviderSaid {
  if (!(error instanceof OAuthRequestError)) return {};
  return { error: error.error, errorDescription: error.errorDescription };
}

async function completeLink(
  h: H,
  ctx: RequestContext,
  flow: FlowState,
  key: AccountKey,
  tokens: OAuthTokens,
  fail: (code: string) => Promise<Response>,
  clear: ReturnType<typeof createBlankFlowCookie>,
): Promise<Response> {
  // Only the very session that started the link may finish it.
  const current = await currentSession(h, ctx, { cookieOnly: true });
  if (current === null || current.result.session.id !== flow.sessionId) {
    return fail('link_session_mismatch');
  }
  const owner = await h.auth.getUserByAccount(key);
  if (owner !== null && owner.id !== current.result.user.id) return fail('account_exists');
  if (owner === null) {
    try {
      await h.auth.linkAccount(current.result.user.id, key);
    } catch (error) {
      if (error instanceof AccountExistsError) return fail('account_exists');
      throw error;
    }
  }
  await h.tokenVault?.saveTokens(key, tokens);
  return redirect(flow.target, [clear], ctx.request.method === 'POST' ? 303 : 302);
}
