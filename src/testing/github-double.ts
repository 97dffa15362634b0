// A faithful local double of github.com's OAuth and REST endpoints: a real node:http server
// on 127.0.0.1, so an app's own tests can sign in with GitHub offline, quirks included.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  decideDevice,
  handleAuthorize,
  handleDeviceCode,
  handleDevicePage,
} from './github-double-authorize.ts';
import type {
  DoubleContext,
  GitHubDoubleFault,
  GitHubDoubleFaultEndpoint,
  GitHubDoubleStats,
} from './github-double-context.ts';
import { startDoubleServer, type DoubleRequest } from './double-server.ts';
import { handleApplication, handleEmails, handleUser, notFound } from './github-double-rest.ts';
import {
  GitHubDoubleState,
  type GitHubDoubleApp,
  type GitHubDoubleAppOptions,
  type GitHubDoubleUser,
  type GitHubDoubleUserOptions,
} from './github-double-state.ts';
import { handleToken } from './github-double-token.ts';

/** Options of {@link startGitHubDouble}. */
export interface GitHubDoubleOptions {
  /** The `iss` sent on authorization responses (RFC 9207). Default: `${url}/login/oauth`. */
  issuer?: string;
  /** The double's clock source in milliseconds; `advance()` moves on from it. Default `Date.now`. */
  now?: () => number;
}

/** One request the double received; `Authorization` and `Cookie` values are redacted. */
export type GitHubDoubleRequest = DoubleRequest;

/** A running GitHub double. */
export interface GitHubDouble extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`: web endpoints, and the REST API both at `/` and under `/api/v3`. */
  readonly url: string;
  /** What the double sends as `iss` on the authorization response. */
  readonly issuer: string;
  /** Registers an OAuth App or a GitHub App. @throws {TypeError} on invalid or duplicate apps. */
  addApp(options: GitHubDoubleAppOptions): GitHubDoubleApp;
  /**
   * Adds a user. A user whose primary email is unverified cannot get a token
   * (`unverified_user_email`), as on GitHub. @throws {TypeError} on invalid or duplicate users.
   */
  addUser(options: GitHubDoubleUserOptions): GitHubDoubleUser;
  /** Authorize as this user without a page (default: the first user), or `null` to show the sign-in page. */
  approveAs(login: string | null): void;
  /** The next `GET /login/oauth/authorize` redirects back with `error=access_denied`. */
  denyNext(): void;
  /** Approves a pending device flow as `login`. @throws {TypeError} for an unknown code or user. */
  approveDevice(userCode: string, login: string): void;
  /** Denies a pending device flow. @throws {TypeError} for an unknown code. */
  denyDevice(userCode: string): void;
  /** Moves the double's clock forward (code, device code and token expiry). */
  advance(ms: number): void;
  /** The next request to `endpoint` is answered with `response` instead. */
  failNext(endpoint: GitHubDoubleFaultEndpoint, response: GitHubDoubleFault): void;
  /** The next successful refresh rotates the tokens, then drops the connection unanswered. */
  dropNextRefreshResponse(): void;
  /** Request counters. */
  readonly stats: Readonly<GitHubDoubleStats>;
  /** Every request received, oldest first. */
  readonly requests: readonly GitHubDoubleRequest[];
  /** Whether an access token would be accepted by `GET /user` now. */
  isTokenActive(accessToken: string): boolean;
  /** Stops the server and closes every open connection. */
  close(): Promise<void>;
}

async function route(
  ctx: DoubleContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = req.method ?? '';
  const path = url.pathname;
  if (path === '/login/oauth/authorize' && (method === 'GET' || method === 'POST')) {
    return handleAuthorize(ctx, req, res, url);
  }
  if (path === '/login/oauth/access_token' && method === 'POST')
    return handleToken(ctx, req, res, url);
  if (path === '/login/device/code' && method === 'POST')
    return handleDeviceCode(ctx, req, res, url);
  if (path === '/login/device' && (method === 'GET' || method === 'POST')) {
    return handleDevicePage(ctx, req, res, url);
  }
  // The REST API answers at the root (api.github.com) and under /api/v3 (GitHub Enterprise Server).
  const rest =
    path === '/api/v3' || path.startsWith('/api/v3/') ? path.slice('/api/v3'.length) : path;
  if (rest === '/user' && method === 'GET') return handleUser(ctx, req, res);
  if (rest === '/user/emails' && method === 'GET') return handleEmails(ctx, req, res);
  const app = /^\/applications\/([^/]{1,200})\/(token|grant)$/.exec(rest);
  if (app) {
    let clientId: string;
    try {
      clientId = decodeURIComponent(app[1]!);
    } catch {
      return notFound(ctx, res);
    }
    return handleApplication(ctx, req, res, clientId, app[2] as 'token' | 'grant');
  }
  return notFound(ctx, res);
}

/**
 * Starts a GitHub double on `127.0.0.1`, on a free port.
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 */
export async function startGitHubDouble(options: GitHubDoubleOptions = {}): Promise<GitHubDouble> {
  const clock = options.now ?? Date.now;
  if (typeof clock !== 'function')
    throw new TypeError('startGitHubDouble: "now" must be a function');
  let offset = 0;
  const state = new GitHubDoubleState(() => clock() + offset);
  const requests: GitHubDoubleRequest[] = [];
  const stats: GitHubDoubleStats = {
    authorizeRequests: 0,
    tokenRequests: 0,
    codeExchanges: 0,
    refreshes: 0,
    deviceTokenPolls: 0,
    revocations: 0,
    userRequests: 0,
  };
  let ctx: DoubleContext | undefined;

  const server = await startDoubleServer({
    now: () => state.now(),
    log: (entry) => entry,
    requests,
    route: (req, res, url) =>
      ctx ? route(ctx, req, res, url) : Promise.resolve(void res.destroy()),
    errorBody: (message) => ({ message }),
  });
  const url = server.origin;
  const issuer = options.issuer ?? `${url}/login/oauth`;
  const context: DoubleContext = {
    state,
    url,
    issuer,
    stats,
    faults: new Map(),
    approveAs: undefined,
    denyNext: false,
    dropNextRefresh: false,
  };
  ctx = context;

  const close = (): Promise<void> => server.close();

  return {
    url,
    issuer,
    stats,
    requests,
    addApp: (appOptions) => state.addApp(appOptions),
    addUser: (userOptions) => state.addUser(userOptions),
    approveAs(login) {
      if (login !== null && !state.findUser(login)) throw new TypeError('approveAs: unknown login');
      context.approveAs = login;
    },
    denyNext() {
      context.denyNext = true;
    },
    approveDevice(userCode, login) {
      if (!state.findUser(login)) throw new TypeError('approveDevice: unknown login');
      if (decideDevice(context, userCode, login, 'approve') !== null) {
        throw new TypeError('approveDevice: no pending device flow has this user code');
      }
    },
    denyDevice(userCode) {
      if (decideDevice(context, userCode, null, 'deny') !== null) {
        throw new TypeError('denyDevice: no pending device flow has this user code');
      }
    },
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new TypeError('advance: "ms" must be a non-negative number');
      offset += ms;
    },
    failNext(endpoint, response) {
      if (!['token', 'user', 'emails', 'revoke'].includes(endpoint)) {
        throw new TypeError('failNext: unknown endpoint');
      }
      if (
        !response ||
        !Number.isInteger(response.status) ||
        response.status < 200 ||
        response.status > 599
      ) {
        throw new TypeError('failNext: "status" must be an HTTP status');
      }
      context.faults.set(endpoint, response);
    },
    dropNextRefreshResponse() {
      context.dropNextRefresh = true;
    },
    isTokenActive: (accessToken) => state.activeToken(accessToken) !== undefined,
    close,
    [Symbol.asyncDispose]: close,
  };
}
