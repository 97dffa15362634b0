// The sign-in (and link) flow: start → provider → callback. The callback consumes the flow
// before any token request, so a replayed or concurrent second callback gets 400 and never
// reaches the provider's token endpoint.
import { readCookie } from '../core/cookies.ts';
import { AccountExistsError, LatchkeyError } from '../core/errors.ts';
import type { AccountKey, Session, User } from '../core/types.ts';
import type { CreatedSession } from '../core/latchkey.ts';
import type { OAuthProvider, OAuthTokens, ProviderProfile } from '../oauth/provider.ts';
import {
  FLOW_LIFETIME,
  createBlankFlowCookie,
  createFlowCookie,
  flowCookieName,
  openFlowCookie,
  type FlowState,
} from './flow-cookie.ts';
import {
  completeNativeFlow,
  nativeFailure,
  parseNativeFlow,
  sessionClientOf,
  withCookies,
  type NativeFlow,
} from './native-flow.ts';
import type { RequestContext, ResolvedOptions, SessionClient } from './options.ts';
import { resolveRedirectTarget } from './redirect.ts';
import { errorResponse, json, redirect } from './responses.ts';
import { currentSession } from './session-routes.ts';

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
 * `GET {base}/{provider}` (and `/link`): seals the flow into a cookie and redirects to the
 * provider. `linkSessionId` is the session that starts a link flow. A native start (loopback,
 * seed-compatible or device approval) is validated first: a bad one is a 400, never a redirect.
 */
export async function startRoute(
  h: H,
  ctx: RequestContext,
  provider: OAuthProvider,
  linkSessionId: string | null,
): Promise<Response> {
  const params = ctx.url.searchParams;
  const native = linkSessionId === null ? parseNativeFlow(ctx.request, ctx.url, h.native) : null;
  if (native !== null && 'error' in native) {
    return json(400, { error: native.error, error_description: native.errorDescription });
  }
  const scopes = parseScopes(params.get('scope'), provider);
  if (scopes === null) return errorResponse(400, 'invalid_scope');
  const target =
    resolveRedirectTarget(params.get('success_url'), ctx.origin, h.allowedOrigins) ??
    new URL(h.successURL, ctx.origin).href;
  const redirectURI = `${ctx.origin}${h.basePath}/${provider.id}/callback`;
  const request = await provider.createAuthorizationURL(
    scopes === undefined ? { redirectURI } : { redirectURI, scopes },
  );
  const flow: FlowState = {
    kind: linkSessionId === null ? 'signin' : 'link',
    providerId: provider.id,
    state: request.state,
    codeVerifier: request.codeVerifier,
    nonce: request.nonce,
    redirectURI,
    target,
    sessionId: linkSessionId,
    native,
    expiresAt: h.auth.now() + FLOW_LIFETIME,
  };
  const cookie = await createFlowCookie(h.sealer, flow, ctx.secure);
  return redirect(request.url.href, [cookie]);
}

/** Compares two strings without an early exit on the first difference. */
function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** A provider's `error` value, if it is a plain code; anything else is reported generically. */
function providerErrorCode(value: string): string {
  return /^[a-z0-9_]{1,64}$/.test(value) ? value : 'oauth_error';
}

/** `GET {base}/{provider}/callback`. Every answer clears the flow cookie. */
export async function callbackRoute(
  h: H,
  ctx: RequestContext,
  provider: OAuthProvider,
): Promise<Response> {
  const clear = createBlankFlowCookie(ctx.secure);
  let native: NativeFlow | null = null;
  const fail = async (code: string): Promise<Response> => {
    // A native app or device waits for an answer: tell it, rather than let it time out.
    const told = native === null ? null : await nativeFailure(h, native, code);
    if (told !== null) return withCookies(told, [clear]);
    const base = h.errorURL ?? `${h.basePath}/error`;
    const url = new URL(base, ctx.origin);
    url.searchParams.set('error', code);
    return redirect(url.href, [clear]);
  };
  const params = ctx.url.searchParams;
  const flow = await openFlowCookie(
    h.sealer,
    readCookie(ctx.request.headers.get('cookie'), flowCookieName(ctx.secure)),
    provider.id,
    h.auth.now(),
  );
  const state = params.get('state');
  if (flow === null || state === null || !sameString(state, flow.state)) {
    return errorResponse(400, 'invalid_state', [clear]);
  }
  // Consume the flow before anything else can happen: of two identical callbacks, only one
  // inserts this record; the other stops here without a token request.
  if (!(await h.auth.store.addTemp('flow-used', flow.state, '1', flow.expiresAt))) {
    return errorResponse(400, 'invalid_state', [clear]);
  }
  native = flow.native;
  const providerError = params.get('error');
  if (providerError !== null) return fail(providerErrorCode(providerError));

  let tokens: OAuthTokens;
  let profile: ProviderProfile;
  try {
    // The provider sees the callback under the redirect URI it was sent to, even when the
    // request reached us under an internal URL (proxy, `origin` option).
    const callbackURL = new URL(flow.redirectURI);
    callbackURL.search = ctx.url.search;
    tokens = await provider.validateAuthorizationCode({
      callbackURL,
      expectedState: flow.state,
      redirectURI: flow.redirectURI,
      codeVerifier: flow.codeVerifier,
      nonce: flow.nonce,
    });
    profile = (await provider.getUser(tokens)).profile;
  } catch (error) {
    if (error instanceof LatchkeyError && error.code !== 'store_error') {
      h.logger.error('latchkey: sign-in failed at the provider', {
        provider: provider.id,
        code: error.code,
        name: error.name,
      });
      return fail(error.code);
    }
    throw error;
  }

  const key: AccountKey = {
    providerId: provider.id,
    issuer: provider.issuer,
    providerUserId: profile.providerUserId,
  };
  if (flow.kind === 'link') return completeLink(h, ctx, flow, key, tokens, fail, clear);
  return completeSignIn(h, ctx, flow, provider, key, profile, tokens, fail, clear);
}

async function completeSignIn(
  h: H,
  ctx: RequestContext,
  flow: FlowState,
  provider: OAuthProvider,
  key: AccountKey,
  profile: ProviderProfile,
  tokens: OAuthTokens,
  fail: (code: string) => Promise<Response>,
  clear: ReturnType<typeof createBlankFlowCookie>,
): Promise<Response> {
  const client: SessionClient = sessionClientOf(flow.native);
  // Whatever session this browser had before (planted or real) is never upgraded: it ends here.
  // A native sign-in hands its session to an app and leaves the browser's own session alone.
  const previous = client === 'browser' ? await currentSession(h, ctx, { cookieOnly: true }) : null;
  const sessionAttributes = h.hooks.sessionAttributes
    ? await h.hooks.sessionAttributes(ctx.request, provider, client)
    : defaultSessionAttributes(ctx.request, provider, client);
  // A device gets its session when it next polls; every other client gets one now.
  const wantsSession = client !== 'device';
  let user: User<object> | null = await h.auth.getUserByAccount(key);
  let created: CreatedSession<object> | null = null;
  let isNewUser = false;
  if (user !== null) {
    if (wantsSession) {
      created = await h.auth.createSession({ userId: user.id, attributes: sessionAttributes });
    }
  } else {
    const allowed = h.hooks.allowSignIn ? await h.hooks.allowSignIn(profile, provider) : true;
    if (!allowed) return fail('sign_in_denied');
    const attributes = h.hooks.mapProfile
      ? await h.hooks.mapProfile(profile, provider)
      : defaultUserAttributes(profile);
    try {
      if (wantsSession) {
        const result = await h.auth.createUserWithSession({
          attributes,
          account: key,
          sessionAttributes,
        });
        user = result.user;
        created = { session: result.session, token: result.token };
      } else {
        user = await h.auth.createUser({ attributes, account: key });
      }
      isNewUser = true;
    } catch (error) {
      // The loser of two concurrent first sign-ins of the same person signs in as the winner.
      if (!(error instanceof AccountExistsError)) throw error;
      user = await h.auth.getUserByAccount(key);
      if (user === null) throw error;
      if (wantsSession) {
        created = await h.auth.createSession({ userId: user.id, attributes: sessionAttributes });
      }
    }
  }
  if (h.tokenVault !== null) {
    try {
      await h.tokenVault.saveTokens(key, tokens);
    } catch (error) {
      // No session without its tokens: the account exists now, so a retry of the sign-in works.
      if (created !== null) await h.auth.invalidateSession(created.session.id);
      throw error;
    }
  }
  if (previous !== null) await h.auth.invalidateSession(previous.result.session.id);
  await h.hooks.onSignIn?.({
    user,
    session: created === null ? null : (created.session as Session<object>),
    client,
    provider,
    profile,
    tokens,
    isNewUser,
  });
  if (flow.native !== null) {
    // Native flows ignore `success_url`: the browser goes to the app's listener or a result page.
    const response = await completeNativeFlow(h, flow.native, {
      userId: user.id,
      created,
      sessionAttributes,
    });
    return withCookies(response, [clear]);
  }
  const cookie = h.auth.createSessionCookie(created!.token, created!.session, ctx.origin);
  return redirect(flow.target, [clear, cookie]);
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
  return redirect(flow.target, [clear]);
}

function defaultUserAttributes(profile: ProviderProfile): object {
  return {
    username: profile.username,
    name: profile.name,
    email: profile.email,
    avatarURL: profile.avatarURL,
  };
}

function defaultSessionAttributes(
  request: Request,
  provider: OAuthProvider,
  client: SessionClient,
): object {
  const userAgent = request.headers.get('user-agent');
  return {
    userAgent: userAgent === null ? null : userAgent.slice(0, 256),
    provider: provider.id,
    // Browser sessions keep their historical shape; app and device sessions say what they are.
    ...(client === 'browser' ? {} : { client }),
  };
}
