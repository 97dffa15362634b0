// latchkey's automatic routes as one fetch handler (`Request → Response`), so every framework
// adapter is a few lines. Routing is by exact path segments: no decoding, no dot segments, no
// encoded slashes — a segment is letters, digits, `_` and `-` or the request is a 404.
import type { Latchkey } from '../core/latchkey.ts';
import type { RequestLike } from '../core/request.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { checkConnectOnly } from './connect.ts';
import { checkEmailLinking } from './email-linking.ts';
import { answerError, consoleLogger } from './error-policy.ts';
import { signInErrorCode } from './error-codes.ts';
import { createBlankFlowCookie, type FlowCookieScope } from './flow-cookie.ts';
import { readCallbackForm } from './form-post-callback.ts';
import { providerLogoutRoute } from './logout/routes.ts';
import { resolveProviderLogout } from './logout/settings.ts';
import { NATIVE_ROUTE_NAMES, nativeSignIn } from './native/index.ts';
import type {
  AuthHandlerOptions,
  RequestContext,
  RequestDetails,
  ResolvedOptions,
} from './options.ts';
import { createRateLimiter, type RateLimitGroup } from './rate-limit.ts';
import { normalizeOrigins } from './redirect.ts';
import { clientAddress, hasDuplicateParameter, pathOf, requestOrigin } from './request-context.ts';
import { errorPage, errorResponse } from './responses.ts';
import { createSealer } from './seal.ts';
import {
  currentSession,
  getSessionRoute,
  listSessionsRoute,
  logoutRoute,
  mayChangeState,
  revokeSessionRoute,
  unlinkRoute,
} from './session-routes.ts';
import { callbackRoute, confirmRoute, startRoute } from './sign-in-routes.ts';

/** The routes as a fetch handler. */
export interface AuthHandler {
  /** Answers a request under `basePath` (404 for anything else). Never throws. */
  fetch(request: Request, info?: RequestDetails): Promise<Response>;
  /** The configured path prefix (`/auth`). */
  readonly basePath: string;
  /** Whether a request path belongs to these routes. */
  matches(request: Request): boolean;
  /**
   * The app's origin for a request as the routes see it — the `origin` option, else (with
   * `trustProxy`) `X-Forwarded-Proto`/`-Host`, else the request URL's. The session cookie's name
   * follows it, so adapters pass it to `readRequestSession` (a Node request: its absolute URL).
   */
  requestOrigin(request: RequestLike): string;
}

const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;
const SESSION_ID = /^[a-z2-7]{24}$/;
const RESERVED = new Set<string>([
  'session',
  'sessions',
  'logout',
  'logout-all',
  'error',
  ...NATIVE_ROUTE_NAMES,
]);
const MAX_URL = 8192;

/** The sealing purpose (HKDF info) of flow cookies; bumped whenever their shape changes. */
export const FLOW_SEAL_PURPOSE = 'latchkey flow cookie v2';

/**
 * Creates the sign-in, callback, session, sign-out, link and unlink routes over a latchkey
 * instance and its providers, and — with the `native` option — the native app and device
 * sign-in routes (docs/native-apps.md).
 * @throws TypeError for a missing provider list, a duplicate or reserved provider id, a secret
 * shorter than 32 bytes, a malformed `basePath`, bad origins or bad `native` options.
 * @see docs/routes.md
 */
export function createAuthHandler<UA extends object, SA extends object>(
  auth: Latchkey<UA, SA>,
  options: AuthHandlerOptions<UA, SA>,
): AuthHandler {
  if (!options || !Array.isArray(options.providers)) {
    throw new TypeError('latchkey: "providers" must be an array of OAuth providers');
  }
  const basePath = options.basePath ?? '/auth';
  if (!/^(\/[A-Za-z0-9_-]+)+$/.test(basePath)) {
    throw new TypeError('latchkey: "basePath" must look like "/auth" (no trailing slash)');
  }
  const providers = new Map<string, OAuthProvider>();
  for (const provider of options.providers) {
    if (!SEGMENT.test(provider.id) || RESERVED.has(provider.id) || providers.has(provider.id)) {
      throw new TypeError(
        `latchkey: provider id "${provider.id}" is invalid, reserved or repeated`,
      );
    }
    providers.set(provider.id, provider);
  }
  let origin: string | null = null;
  if (options.origin !== undefined) origin = normalizeOrigins([options.origin])[0]!;
  const extension = nativeSignIn(auth as Latchkey<object, object>, providers, options.native);
  const h: ResolvedOptions<UA, SA> = {
    auth,
    providers,
    basePath,
    // v2: the sign-in extension's opaque state replaced v1's native-only field. A v1 cookie still
    // in flight at an upgrade fails closed (invalid_state) instead of being read as a web flow.
    sealer: createSealer(options.secret, FLOW_SEAL_PURPOSE),
    successURL: options.successURL ?? '/',
    errorURL: options.errorURL ?? null,
    signOutURL: options.signOutURL ?? '/',
    allowedOrigins: normalizeOrigins(options.allowedOrigins),
    origin,
    trustProxy: options.trustProxy ?? false,
    getClientAddress: options.getClientAddress ?? null,
    limiter:
      options.rateLimit === false
        ? null
        : createRateLimiter(auth.store, options.rateLimit ?? {}, () => auth.now()),
    extension,
    extensionRoutes: new Map(extension?.routes.map((r) => [r.path, r])),
    tokenVault: options.tokenVault ?? null,
    revokeTokensOnSignOutEverywhere: options.revokeTokensOnSignOutEverywhere === true,
    providerLogout: resolveProviderLogout(options.providerLogout, providers, options.secret),
    linkByEmail: checkEmailLinking(options.linkByEmail),
    connectOnly: checkConnectOnly(options.connectOnly, providers),
    hooks: options.hooks ?? {},
    logger: options.logger ?? consoleLogger,
  };
  const shared = h as unknown as ResolvedOptions<object, object>;
  return {
    basePath,
    matches: (request) => pathOf(request.url).startsWith(`${basePath}/`),
    fetch: (request, info) => handle(shared, request, info),
    requestOrigin: (request) => requestOrigin(shared, request),
  };
}

async function handle(
  h: ResolvedOptions<object, object>,
  request: Request,
  info: RequestDetails | undefined,
): Promise<Response> {
  let isCallback = false;
  // Where a failed callback clears its flow cookie (secure until the origin is known).
  let scope: FlowCookieScope = { secure: true, origin: '' };
  try {
    if (request.url.length > MAX_URL) return errorResponse(414, 'invalid_request');
    const url = new URL(request.url);
    // Route on what the client sent, not on what the URL parser made of it (see `target`).
    const path = rawPath(info?.target) ?? url.pathname;
    if (!path.startsWith(`${h.basePath}/`)) return errorResponse(404, 'not_found');
    const segments = path.slice(h.basePath.length + 1).split('/');
    if (segments.length > 2 || !segments.every((s) => SEGMENT.test(s))) {
      return errorResponse(404, 'not_found');
    }
    const origin = requestOrigin(h, request, url);
    const secure = h.auth.sessionCookieName(origin).startsWith('__Host-');
    scope = { secure, origin };
    const ctx: RequestContext = {
      request,
      url,
      origin,
      secure,
      clientAddress: clientAddress(h, request, info),
    };
    const [first, second] = segments as [string, string | undefined];
    isCallback = second === 'callback';
    if (hasDuplicateParameter(url)) return errorResponse(400, 'duplicate_parameter');
    return await route(h, ctx, first, second);
  } catch (error) {
    // The one error policy of every route, web or native; a failed callback still ends its flow.
    return answerError(h.logger, error, isCallback ? [createBlankFlowCookie(scope)] : []);
  }
}

/** The path of a raw request target (`/a/../b?x` → `/a/../b`); `null` when none was given. */
function rawPath(target: string | undefined): string | null {
  if (typeof target !== 'string') return null;
  if (!target.startsWith('/')) return '';
  return pathOf(`http://raw${target}`);
}

async function limited(
  h: ResolvedOptions<object, object>,
  ctx: RequestContext,
  group: RateLimitGroup,
): Promise<Response | null> {
  if (h.limiter === null) return null;
  const { allowed, retryAfter } = await h.limiter.hit(group, ctx.clientAddress);
  if (allowed) return null;
  return errorResponse(429, 'rate_limited', [], { 'retry-after': String(retryAfter) });
}

async function route(
  h: ResolvedOptions<object, object>,
  ctx: RequestContext,
  first: string,
  second: string | undefined,
): Promise<Response> {
  const method = ctx.request.method;
  const isGet = method === 'GET' || method === 'HEAD';
  const notAllowed = (allow?: string): Response =>
    errorResponse(405, 'method_not_allowed', [], allow === undefined ? {} : { allow });
  // The extension's routes take reserved names, never provider ids: no clash is possible.
  const extra = h.extensionRoutes.get(second === undefined ? first : `${first}/${second}`);
  if (extra !== undefined) {
    if (method !== extra.method) return notAllowed();
    // The routes build URLs (`verification_uri`) from this one: give it the app's public origin.
    const url = new URL(`${ctx.url.pathname}${ctx.url.search}`, ctx.origin);
    return (await limited(h, ctx, extra.rateLimit)) ?? extra.handle(ctx.request, url, h.basePath);
  }
  if (second === undefined) {
    switch (first) {
      case 'session':
        return isGet ? getSessionRoute(h, ctx) : notAllowed();
      case 'sessions':
        return isGet ? listSessionsRoute(h, ctx) : notAllowed();
      case 'logout': {
        if (method !== 'POST') return notAllowed();
        const all = ctx.url.searchParams.has('all');
        return logoutRoute(h, ctx, all);
      }
      case 'logout-all':
        return method === 'POST' ? logoutRoute(h, ctx, true) : notAllowed();
      case 'error': {
        if (h.errorURL !== null) return errorResponse(404, 'not_found');
        return isGet ? errorPage(signInErrorCode(ctx.url.searchParams.get('error'))) : notAllowed();
      }
    }
    const provider = h.providers.get(first);
    if (!provider) return errorResponse(404, 'not_found');
    if (!isGet) return notAllowed();
    return (await limited(h, ctx, 'signIn')) ?? startRoute(h, ctx, provider, null);
  }
  if (first === 'sessions') {
    if (method !== 'POST' && method !== 'DELETE') return notAllowed();
    if (!SESSION_ID.test(second)) return errorResponse(404, 'not_found');
    return revokeSessionRoute(h, ctx, second);
  }
  const provider = h.providers.get(first);
  if (!provider) return errorResponse(404, 'not_found');
  switch (second) {
    case 'callback': {
      // A form post only from a provider answering with form_post (Apple); its body is checked
      // (and a post without the flow cookie re-posted same-site) before anything is counted.
      if (method === 'POST' && provider.formPostCallback === true) {
        const form = await readCallbackForm(ctx, `${h.basePath}/${provider.id}/callback`);
        if (form instanceof Response) return form;
        return (await limited(h, ctx, 'callback')) ?? callbackRoute(h, ctx, provider, form);
      }
      // Otherwise GET only: a HEAD (link previews, prefetchers) must not spend the flow.
      if (method !== 'GET') return notAllowed();
      return (await limited(h, ctx, 'callback')) ?? callbackRoute(h, ctx, provider);
    }
    case 'link': {
      // A start that changes state (a cross-site page could otherwise re-link an account at a
      // provider that approves silently): POST and the same CSRF check as sign-out.
      if (method !== 'POST') return notAllowed('POST');
      if (!mayChangeState(h, ctx)) return errorResponse(403, 'forbidden_origin');
      const current = await currentSession(h, ctx, { cookieOnly: true });
      if (!current) return errorResponse(401, 'unauthorized');
      return (
        (await limited(h, ctx, 'signIn')) ??
        startRoute(h, ctx, provider, {
          sessionId: current.result.session.id,
          userId: current.result.user.id,
        })
      );
    }
    case 'unlink':
      return method === 'POST' ? unlinkRoute(h, ctx, provider) : notAllowed();
    case 'confirm':
      if (h.extension === null) break;
      if (method !== 'POST') return notAllowed('POST');
      return (await limited(h, ctx, 'signIn')) ?? confirmRoute(h, ctx, provider);
  }
  if (second === 'backchannel-logout' && method === 'POST' && h.providerLogout !== null) {
    const refused = await limited(h, ctx, 'backchannel');
    if (refused !== null) return refused;
  }
  return providerLogoutRoute(h, ctx, provider, second);
}
