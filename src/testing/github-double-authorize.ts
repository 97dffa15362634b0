// The browser-facing endpoints of the GitHub double: `/login/oauth/authorize` (web flow) and
// `/login/device` (the page where a person types the device flow's user code).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { currentLogin, type DoubleContext } from './github-double-context.ts';
import { readParams, redirect, send, sendOAuth } from './double-http.ts';
import { authorizePage, devicePage, messagePage } from './github-double-pages.ts';
import {
  DEVICE_CODE_LIFETIME_S,
  parseScopes,
  redirectURIAllowed,
  type GitHubDoubleApp,
  type GitHubDoubleUser,
} from './github-double-state.ts';

const AUTH_ERRORS_DOC =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors';

// Parameters carried through the sign-in page's form.
const FLOW_PARAMS = [
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'allow_signup',
  'prompt',
];

function html(ctx: DoubleContext, res: ServerResponse, status: number, page: string): void {
  send(res, status, { 'Content-Type': 'text/html; charset=utf-8' }, page, ctx.state.now());
}

/** Redirects to the app with `params`, plus `state` and RFC 9207 `iss` (GitHub sends both). */
function redirectToApp(
  ctx: DoubleContext,
  res: ServerResponse,
  redirectURI: string,
  params: Record<string, string>,
  state: string | undefined,
): void {
  const target = new URL(redirectURI);
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
  if (state !== undefined) target.searchParams.set('state', state);
  target.searchParams.set('iss', ctx.issuer);
  redirect(res, target.href, ctx.state.now());
}

function deny(
  ctx: DoubleContext,
  res: ServerResponse,
  redirectURI: string,
  state: string | undefined,
): void {
  // GitHub's wording, from "Troubleshooting authorization request errors".
  redirectToApp(
    ctx,
    res,
    redirectURI,
    {
      error: 'access_denied',
      error_description: 'The user has denied your application access.',
      error_uri: `${AUTH_ERRORS_DOC}#access-denied`,
    },
    state,
  );
}

function approve(
  ctx: DoubleContext,
  res: ServerResponse,
  app: GitHubDoubleApp,
  user: GitHubDoubleUser,
  params: Map<string, string>,
  redirectURI: string,
): void {
  const scopes = ctx.state.grantScopes(app.clientId, user.id, parseScopes(params.get('scope')));
  const code = ctx.state.issueCode({
    clientId: app.clientId,
    userId: user.id,
    scopes,
    redirectURI,
    codeChallenge: params.get('code_challenge') ?? null,
  });
  redirectToApp(ctx, res, redirectURI, { code }, params.get('state'));
}

/**
 * `GET`/`POST /login/oauth/authorize`: validates the client and redirect URI, then approves as
 * the configured user, shows the sign-in page, or denies.
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 */
export async function handleAuthorize(
  ctx: DoubleContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  ctx.stats.authorizeRequests++;
  const params =
    req.method === 'POST' ? await readParams(req, url.searchParams) : new Map(url.searchParams);
  const app = ctx.state.apps.get(params.get('client_id') ?? '');
  if (!app) {
    // Unknown client: GitHub shows its own page and never redirects to an unverified URL.
    html(
      ctx,
      res,
      404,
      messagePage('Not Found', 'No application is registered with this client_id.'),
    );
    return;
  }
  const state = params.get('state');
  const given = params.get('redirect_uri');
  if (given !== undefined && !redirectURIAllowed(app, given)) {
    // "GitHub will redirect to the registered callback URL" with redirect_uri_mismatch.
    redirectToApp(
      ctx,
      res,
      app.callbackURLs[0]!,
      {
        error: 'redirect_uri_mismatch',
        error_description:
          'The redirect_uri MUST match the registered callback URL for this application.',
        error_uri: `${AUTH_ERRORS_DOC}#redirect-uri-mismatch`,
      },
      state,
    );
    return;
  }
  // Without redirect_uri, "the first callback URL on your app's settings page will be used".
  const redirectURI = given ?? app.callbackURLs[0]!;
  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  if (
    (challenge !== undefined || method !== undefined) &&
    (method !== 'S256' || challenge === undefined || !/^[A-Za-z0-9_-]{43}$/.test(challenge))
  ) {
    // GitHub: each PKCE parameter requires the other, a 43-character challenge, S256 only
    // ("the plain code challenge method is not supported"); the error's shape is undocumented.
    redirectToApp(
      ctx,
      res,
      redirectURI,
      { error: 'invalid_request', error_description: 'code_challenge_method must be S256.' },
      state,
    );
    return;
  }

  if (req.method === 'POST') {
    if (params.get('authorize') !== 'authorize') {
      deny(ctx, res, redirectURI, state);
      return;
    }
    const user = ctx.state.findUser(params.get('login') ?? '');
    if (!user) {
      html(ctx, res, 200, page(url, app, params, params.get('login') ?? '', 'Incorrect username.'));
      return;
    }
    approve(ctx, res, app, user, params, redirectURI);
    return;
  }

  if (ctx.denyNext) {
    ctx.denyNext = false;
    deny(ctx, res, redirectURI, state);
    return;
  }
  const login = currentLogin(ctx);
  const user = login === null ? undefined : ctx.state.findUser(login);
  if (!user) {
    // `login` only suggests an account: it pre-fills the sign-in form.
    html(ctx, res, 200, page(url, app, params, params.get('login') ?? '', null));
    return;
  }
  approve(ctx, res, app, user, params, redirectURI);
}

function page(
  url: URL,
  app: GitHubDoubleApp,
  params: Map<string, string>,
  login: string,
  error: string | null,
): string {
  const carried: Record<string, string> = {};
  for (const name of FLOW_PARAMS) {
    const value = params.get(name);
    if (value !== undefined) carried[name] = value;
  }
  return authorizePage({
    action: url.pathname,
    clientId: app.clientId,
    params: carried,
    scopes: parseScopes(params.get('scope')),
    login,
    error,
  });
}

/**
 * `POST /login/device/code`: starts a device authorization (RFC 8628 §3.1).
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#device-flow
 */
export async function handleDeviceCode(
  ctx: DoubleContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const params = await readParams(req, url.searchParams);
  const app = ctx.state.apps.get(params.get('client_id') ?? '');
  if (!app) {
    // Like the token endpoint: HTTP 200 with an `error` (device flow error table).
    sendOAuth(
      req,
      res,
      {
        error: 'incorrect_client_credentials',
        error_description: 'The client_id and/or client_secret passed are incorrect.',
      },
      ctx.state.now(),
    );
    return;
  }
  const grant = ctx.state.startDeviceGrant(app.clientId, parseScopes(params.get('scope')));
  sendOAuth(
    req,
    res,
    {
      device_code: grant.deviceCode,
      user_code: grant.userCode,
      verification_uri: `${ctx.url}/login/device`,
      expires_in: DEVICE_CODE_LIFETIME_S,
      interval: grant.interval,
    },
    ctx.state.now(),
  );
}

/**
 * Approves or denies a pending device authorization, as the `/login/device` page does.
 * @returns a message for the page, or `null` on success.
 */
export function decideDevice(
  ctx: DoubleContext,
  userCode: string,
  login: string | null,
  decision: 'approve' | 'deny',
): string | null {
  const grant = ctx.state.findPendingDeviceGrant(userCode);
  if (!grant) return 'That code is invalid or has expired.';
  if (decision === 'deny') {
    // "the user won't be able to use the verification code again".
    grant.status = 'denied';
    return null;
  }
  const user = login === null ? undefined : ctx.state.findUser(login);
  if (!user) return 'Incorrect username.';
  ctx.state.grantScopes(grant.clientId, user.id, grant.scopes);
  grant.status = 'approved';
  grant.userId = user.id;
  return null;
}

/** `GET`/`POST /login/device`: the page where a person enters the user code. */
export async function handleDevicePage(
  ctx: DoubleContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  if (req.method === 'GET') {
    html(
      ctx,
      res,
      200,
      devicePage({ action: url.pathname, login: currentLogin(ctx) ?? '', error: null }),
    );
    return;
  }
  const params = await readParams(req, new URLSearchParams());
  const decision = params.get('authorize') === 'authorize' ? 'approve' : 'deny';
  const login = params.get('login') || currentLogin(ctx);
  const error = decideDevice(ctx, params.get('user_code') ?? '', login, decision);
  if (error !== null) {
    html(ctx, res, 200, devicePage({ action: url.pathname, login: login ?? '', error }));
  } else if (decision === 'deny') {
    html(ctx, res, 200, messagePage('Access denied', 'The device was not authorized.'));
  } else {
    html(
      ctx,
      res,
      200,
      messagePage('Congratulations, you’re all set!', 'Your device is now connected.'),
    );
  }
}
