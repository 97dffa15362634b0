// One configurable OAuth 2.0 / OpenID Connect provider double: a real node:http server on
// 127.0.0.1 whose behaviour (paths, client authentication, formats, errors, refresh, profile
// shape, quirks) comes from a preset, so an app's tests can sign in offline with any provider.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { bearerToken, readParams, sendAnswer, sendJSON } from './double-http.ts';
import { startDoubleServer, type DoubleRequest } from './double-server.ts';
import type {
  ClientAuthMethod,
  PresetAnswer,
  PresetPaths,
  ProviderPreset,
  TestUser,
} from './preset.ts';
import { handleAuthorize } from './provider-double-authorize.ts';
import {
  issuerAt,
  presetTools,
  sendFault,
  type IDTokenIssuerOverride,
  type IssuerOverride,
  type ProviderDoubleContext,
  type ProviderDoubleEndpoint,
} from './provider-double-context.ts';
import { discoveryDocument, userClaims } from './provider-double-oidc.ts';
import { ProviderDoubleState, type DoubleClientOptions } from './provider-double-state.ts';
import { handleClientRequest } from './provider-double-token.ts';

/** Options of {@link startProviderDouble}. */
export interface ProviderDoubleOptions {
  /** Clients registered at start (more with `addClient`). */
  clients?: DoubleClientOptions[];
  /** Users known at start; the first one signs in unless `signInAs` says otherwise. */
  users?: TestUser[];
  /** Discovery fields added or removed (`undefined` removes), over the preset's. */
  metadata?: Record<string, unknown>;
  /** The double's clock in milliseconds; `advance()` moves on from it. Default `Date.now`. */
  now?: () => number;
}

/** One request the double received. Credentials are redacted. */
export interface ProviderDoubleRequest extends DoubleRequest {
  /** How a token or revocation request authenticated its client, else `null`. */
  clientAuthentication: ClientAuthMethod | null;
}

/** A running provider double. */
export interface ProviderDouble extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The issuer at the root mount (`null` for presets that only answer under a prefix). */
  readonly issuer: string | null;
  readonly preset: ProviderPreset;
  /** Registers a client. @throws {TypeError} on an invalid or duplicate client. */
  addClient(client: DoubleClientOptions): void;
  /** Adds or replaces (by `id`) a test user. @throws {TypeError} without an id. */
  addUser(user: TestUser): void;
  /**
   * Who approves at the authorize endpoint: a user (added or replaced by `id`), a known id, or
   * `null` for the sign-in page a browser clicks. Default: the first user.
   * @throws {TypeError} for an unknown id.
   */
  signInAs(user: TestUser | string | null): void;
  /** The next authorization answers `error` (default `access_denied`) instead of a code. */
  denyNext(error?: string, description?: string): void;
  /** The next request to `endpoint` gets this answer instead. */
  failNext(endpoint: ProviderDoubleEndpoint, answer: PresetAnswer): void;
  /** Overrides the issuer per mount prefix (`null` restores the preset's). */
  setIssuer(issuer: IssuerOverride | null): void;
  /** Overrides the ID token `iss` (`null` restores the preset's). */
  setIDTokenIssuer(issuer: IDTokenIssuerOverride | null): void;
  /**
   * Signs `claims` as they are with the double's ID token key (its `alg` and `kid`), for tokens
   * the provider could have sent outside a grant, such as back-channel logout tokens.
   */
  signJWT(claims: Record<string, unknown>, header?: { typ?: string }): Promise<string>;
  /** Moves the double's clock forward (code, token and ID token lifetimes). */
  advance(ms: number): void;
  /** Every request received, oldest first. */
  readonly requests: readonly ProviderDoubleRequest[];
  /** Whether the userinfo endpoint would accept this access token now. */
  isTokenActive(accessToken: string): boolean;
  /**
   * Follows an authorization URL like a browser whose user consents; returns where the
   * provider redirected. @throws {Error} when the answer is not a redirect.
   */
  authorize(url: URL | string): Promise<URL>;
  /** Stops the server and closes every open connection. */
  close(): Promise<void>;
}

/** An endpoint of the preset's paths, an extra resource or one of the preset's own routes. */
type Endpoint = keyof PresetPaths | `resource:${string}` | `route:${string}`;

/** The endpoint a path names and its mount prefix, or `null`. */
function match(
  preset: ProviderPreset,
  path: string,
): { endpoint: Endpoint; prefix: string } | null {
  const resources = Object.keys(preset.resources ?? {})
    .map((p): [Endpoint, string] => [`resource:${p}`, p])
    .concat(Object.keys(preset.routes ?? {}).map((p): [Endpoint, string] => [`route:${p}`, p]));
  // Longest path first, so `/token/revoke` is never read as `/token` under a `/…` prefix.
  const entries = (Object.entries(preset.paths) as [Endpoint, string | undefined][])
    .filter((e): e is [Endpoint, string] => e[1] !== undefined)
    .concat(resources)
    .sort((a, b) => b[1].length - a[1].length);
  for (const [endpoint, suffix] of entries) {
    if (path.endsWith(suffix)) return { endpoint, prefix: path.slice(0, -suffix.length) };
  }
  return null;
}

/** The answer for a missing or dead bearer token: the preset's, else RFC 6750 401. */
function unauthorized(ctx: ProviderDoubleContext): PresetAnswer {
  return (
    ctx.preset.unauthorized ?? {
      status: 401,
      body: { error: 'invalid_token' },
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    }
  );
}

/** Userinfo and extra resources: a bearer token of a live grant, then the preset's JSON. */
function protectedResource(
  ctx: ProviderDoubleContext,
  req: IncomingMessage,
  res: ServerResponse,
  resource: string | null,
): void {
  if (resource === null && sendFault(ctx, 'userinfo', res)) return;
  const token = accessToken(ctx.preset, req.headers.authorization);
  const grant = token === null ? null : ctx.state.activeAccess(token);
  if (!grant) return sendAnswer(res, unauthorized(ctx), ctx.state.now());
  const build = resource === null ? undefined : ctx.preset.resources?.[resource];
  const answer = build?.(grant.user, grant.scopes) ?? { status: 200, body: userClaims(ctx, grant) };
  sendAnswer(res, answer, ctx.state.now());
}

/** Revocation by bearer token (Dropbox): a live access token ends its grant; 200 `null`. */
function bearerRevoke(ctx: ProviderDoubleContext, req: IncomingMessage, res: ServerResponse): void {
  if (sendFault(ctx, 'revoke', res)) return;
  const token = bearerToken(req.headers.authorization);
  if (token === null || ctx.state.activeAccess(token) === null) {
    return sendAnswer(res, unauthorized(ctx), ctx.state.now());
  }
  ctx.state.revoke(token, null);
  sendJSON(res, 200, null, ctx.state.now());
}

/** The access token of an `Authorization` header in the preset's scheme (default Bearer). */
function accessToken(preset: ProviderPreset, header: string | undefined): string | null {
  const scheme = preset.resourceAuthScheme;
  if (scheme === undefined) return bearerToken(header);
  const [given, value, ...rest] = (header ?? '').trim().split(/ +/);
  const ok = given?.toLowerCase() === scheme.toLowerCase() && rest.length === 0;
  return ok && value !== undefined && /^[\x21-\x7e]{1,1024}$/.test(value) ? value : null;
}

/** One of the preset's own routes: its answer to the request's parameters. */
async function presetRoute(
  ctx: ProviderDoubleContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
): Promise<void> {
  const params = await readParams(req, url.searchParams);
  const request = {
    method: req.method ?? 'GET',
    params,
    authorization: req.headers.authorization ?? null,
  };
  sendAnswer(res, ctx.preset.routes![path]!(request, presetTools(ctx)), ctx.state.now());
}

async function route(
  ctx: ProviderDoubleContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  entry: ProviderDoubleRequest,
): Promise<void> {
  const found = match(ctx.preset, url.pathname);
  const issuer = found ? issuerAt(ctx, found.prefix) : null;
  const notFound = (): void => sendJSON(res, 404, { error: 'not_found' }, ctx.state.now());
  if (!found || issuer === null) return notFound();
  const { endpoint, prefix } = found;
  const method = req.method ?? '';
  // Token and revocation requests are screened with their form parameters, once read.
  const resource = endpoint.startsWith('resource:');
  const refusal =
    endpoint === 'token' || endpoint === 'revoke'
      ? null
      : ctx.preset.screen?.({
          endpoint: resource ? 'resource' : endpoint,
          method,
          headers: req.headers,
          params: null,
        });
  if (refusal) return sendAnswer(res, refusal, ctx.state.now());
  if (endpoint === 'authorize' && (method === 'GET' || method === 'POST'))
    return handleAuthorize(ctx, req, res, url, prefix);
  if (endpoint === 'revoke' && method === 'POST' && ctx.preset.revocation === 'bearer')
    return bearerRevoke(ctx, req, res);
  if ((endpoint === 'token' || endpoint === 'revoke') && method === 'POST')
    return handleClientRequest(ctx, req, res, endpoint, prefix, entry);
  if (endpoint === 'refresh' && method === 'POST')
    return handleClientRequest(ctx, req, res, 'token', prefix, entry);
  if (endpoint === 'userinfo' && (method === 'GET' || method === 'POST'))
    return protectedResource(ctx, req, res, null);
  if (endpoint.startsWith('route:'))
    return presetRoute(ctx, req, res, url, endpoint.slice('route:'.length));
  if (endpoint.startsWith('resource:') && method === 'GET')
    return protectedResource(ctx, req, res, endpoint.slice('resource:'.length));
  if (!ctx.preset.openid || method !== 'GET') return notFound();
  if (endpoint === 'discovery') {
    return sendJSON(res, 200, discoveryDocument(ctx, prefix, issuer), ctx.state.now());
  }
  if (endpoint === 'jwks') return sendJSON(res, 200, { keys: [ctx.publicJWK] }, ctx.state.now());
  notFound();
}

/**
 * Starts a provider double for `preset` on `127.0.0.1`, on a free port.
 * @throws {TypeError} on invalid options.
 * @see https://www.rfc-editor.org/rfc/rfc6749
 */
export async function startProviderDouble(
  preset: ProviderPreset | (ProviderDoubleOptions & { preset: ProviderPreset }),
  options: ProviderDoubleOptions = {},
): Promise<ProviderDouble> {
  if ('preset' in preset) return startProviderDouble(preset.preset, { ...preset, ...options });
  if (typeof preset?.paths?.authorize !== 'string' || typeof preset.user !== 'function')
    throw new TypeError('startProviderDouble: "preset" must be a provider preset');
  const clock = options.now ?? Date.now;
  let offset = 0;
  const state = new ProviderDoubleState(() => clock() + offset);
  const alg = preset.idTokenAlg === 'ES256' ? 'ES256' : 'RS256';
  const { publicKey, privateKey } = await generateKeyPair(alg);
  const publicJWK = {
    ...(await exportJWK(publicKey)),
    kid: `double-${alg.toLowerCase()}`,
    alg,
    use: 'sig',
  };
  const requests: ProviderDoubleRequest[] = [];
  let ctx: ProviderDoubleContext | undefined;

  const server = await startDoubleServer({
    now: () => state.now(),
    log: (entry): ProviderDoubleRequest => ({ ...entry, clientAuthentication: null }),
    requests,
    route: (req, res, url, entry) =>
      ctx ? route(ctx, req, res, url, entry) : Promise.resolve(void res.destroy()),
    errorBody: (_message, status) => ({
      error: status >= 500 ? 'server_error' : 'invalid_request',
    }),
  });
  const origin = server.origin;
  const context: ProviderDoubleContext = {
    preset,
    state,
    origin,
    signingKey: privateKey,
    publicJWK,
    metadata: { ...options.metadata },
    faults: new Map(),
    issuerOverride: null,
    idTokenIssuerOverride: null,
    current: undefined,
    denyNext: null,
  };
  ctx = context;
  for (const client of options.clients ?? []) state.addClient(client);
  for (const user of options.users ?? []) state.putUser(user);

  const close = (): Promise<void> => server.close();
  return {
    url: origin,
    get issuer() {
      return issuerAt(context, '');
    },
    preset,
    requests,
    addClient: (client) => state.addClient(client),
    addUser: (user) => void state.putUser(user),
    signInAs(user) {
      if (user === null) context.current = null;
      else if (typeof user === 'string') {
        if (!state.users.has(user)) throw new TypeError('signInAs: unknown user id');
        context.current = user;
      } else context.current = state.putUser(user).id;
    },
    denyNext(error = 'access_denied', description) {
      context.denyNext = { error, description: description ?? null };
    },
    failNext(endpoint, answer) {
      if (!['token', 'userinfo', 'revoke'].includes(endpoint))
        throw new TypeError('failNext: unknown endpoint');
      if (!Number.isInteger(answer?.status) || answer.status < 200 || answer.status > 599)
        throw new TypeError('failNext: "status" must be an HTTP status');
      context.faults.set(endpoint, answer);
    },
    setIssuer(issuer) {
      context.issuerOverride = issuer;
    },
    setIDTokenIssuer(issuer) {
      context.idTokenIssuerOverride = issuer;
    },
    signJWT: (claims, header = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ ...header, alg: publicJWK.alg, kid: publicJWK.kid })
        .sign(privateKey),
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new TypeError('advance: "ms" must be a non-negative number');
      offset += ms;
    },
    isTokenActive: (token) => state.activeAccess(token) !== null,
    async authorize(target) {
      const response = await fetch(target, { redirect: 'manual' });
      const location = response.headers.get('location');
      await response.body?.cancel();
      if (response.status !== 302 || !location)
        throw new Error(`authorize answered ${response.status}`);
      return new URL(location);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
