// The REST API of the GitHub double: `GET /user`, `GET /user/emails` and the OAuth
// authorization endpoints under `/applications/{client_id}` (check, reset, revoke).
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendFault, type DoubleContext } from './github-double-context.ts';
import { basicCredentials, bearerToken, readJSONObject, sendJSON } from './double-http.ts';
import type { GitHubDoubleUser, TokenRecord } from './github-double-state.ts';

const REST_DOC = 'https://docs.github.com/rest';

function message(
  ctx: DoubleContext,
  res: ServerResponse,
  status: number,
  text: string,
  doc = REST_DOC,
): void {
  sendJSON(
    res,
    status,
    { message: text, documentation_url: doc, status: String(status) },
    ctx.state.now(),
  );
}

/** GitHub's 404 for unknown paths and for what a caller may not see. */
export function notFound(ctx: DoubleContext, res: ServerResponse): void {
  message(ctx, res, 404, 'Not Found');
}

function simpleUser(ctx: DoubleContext, user: GitHubDoubleUser): Record<string, unknown> {
  return {
    login: user.login,
    id: user.id,
    // GitHub's global node ids are opaque strings; the shape here only looks alike.
    node_id: `U_kgDO${Buffer.from(String(user.id)).toString('base64url')}`,
    avatar_url: user.avatarURL,
    gravatar_id: '',
    url: `${ctx.url}/users/${user.login}`,
    html_url: `${ctx.url}/${user.login}`,
    type: 'User',
    site_admin: false,
  };
}

/** The live token of the request's `Authorization`, or a 401 already sent. */
function authenticate(
  ctx: DoubleContext,
  req: IncomingMessage,
  res: ServerResponse,
): TokenRecord | null {
  if (req.headers.authorization === undefined) {
    message(ctx, res, 401, 'Requires authentication');
    return null;
  }
  const token = bearerToken(req.headers.authorization);
  const record = token === null ? undefined : ctx.state.activeToken(token);
  if (!record) {
    // Unknown, revoked, rotated and expired tokens look alike.
    message(ctx, res, 401, 'Bad credentials');
    return null;
  }
  return record;
}

function scopeHeaders(ctx: DoubleContext, record: TokenRecord): Record<string, string> {
  const app = ctx.state.apps.get(record.clientId);
  // Only OAuth App tokens have scopes to report; GitHub App user tokens carry permissions.
  return app?.kind === 'oauth-app' ? { 'X-OAuth-Scopes': record.scopes.join(', ') } : {};
}

/**
 * `GET /user`: the authenticated user.
 * @see https://docs.github.com/en/rest/users/users#get-the-authenticated-user
 */
export function handleUser(ctx: DoubleContext, req: IncomingMessage, res: ServerResponse): void {
  ctx.stats.userRequests++;
  if (sendFault(ctx, 'user', res)) return;
  const record = authenticate(ctx, req, res);
  if (!record) return;
  const user = ctx.state.userById(record.userId);
  if (!user) return message(ctx, res, 401, 'Bad credentials');
  const created = new Date(0).toISOString().replace('.000', '');
  sendJSON(
    res,
    200,
    {
      ...simpleUser(ctx, user),
      name: user.name,
      company: null,
      blog: '',
      location: null,
      // Only the address the user made public; `null` otherwise (use /user/emails).
      email: user.publicEmail,
      hireable: null,
      bio: null,
      twitter_username: null,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      created_at: created,
      updated_at: created,
    },
    ctx.state.now(),
    scopeHeaders(ctx, record),
  );
}

/**
 * `GET /user/emails`: needs the `user:email` or `user` scope on OAuth App tokens.
 * @see https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user
 */
export function handleEmails(ctx: DoubleContext, req: IncomingMessage, res: ServerResponse): void {
  if (sendFault(ctx, 'emails', res)) return;
  const record = authenticate(ctx, req, res);
  if (!record) return;
  const user = ctx.state.userById(record.userId);
  if (!user) return message(ctx, res, 401, 'Bad credentials');
  const app = ctx.state.apps.get(record.clientId);
  if (app?.kind === 'oauth-app' && !record.scopes.some((s) => s === 'user' || s === 'user:email')) {
    // A missing scope is answered 404, as GitHub does for what a token may not see.
    return notFound(ctx, res);
  }
  const emails = user.emails.map((e) => ({
    email: e.email,
    primary: e.primary,
    verified: e.verified,
    visibility: e.visibility ?? null,
  }));
  sendJSON(res, 200, emails, ctx.state.now(), scopeHeaders(ctx, record));
}

function authorizationJSON(ctx: DoubleContext, record: TokenRecord): Record<string, unknown> {
  const user = ctx.state.userById(record.userId);
  const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    id: record.id,
    url: `${ctx.url}/authorizations/${record.id}`,
    scopes: record.scopes,
    token: record.accessToken,
    token_last_eight: record.accessToken.slice(-8),
    hashed_token: createHash('sha256').update(record.accessToken).digest('hex'),
    app: { client_id: record.clientId, name: record.clientId, url: ctx.url },
    note: null,
    note_url: null,
    updated_at: iso(record.createdAt),
    created_at: iso(record.createdAt),
    fingerprint: null,
    expires_at: record.expiresAt === null ? null : iso(record.expiresAt),
    user: user ? simpleUser(ctx, user) : null,
    installation: null,
  };
}

/**
 * `/applications/{client_id}/token` (POST check, PATCH reset, DELETE revoke) and
 * `/applications/{client_id}/grant` (DELETE), with HTTP Basic `client_id:client_secret`.
 * @see https://docs.github.com/en/rest/apps/oauth-applications
 */
export async function handleApplication(
  ctx: DoubleContext,
  req: IncomingMessage,
  res: ServerResponse,
  clientId: string,
  resource: 'token' | 'grant',
): Promise<void> {
  const method = req.method ?? '';
  const allowed = resource === 'token' ? ['POST', 'PATCH', 'DELETE'] : ['DELETE'];
  if (!allowed.includes(method)) return notFound(ctx, res);
  if (method === 'DELETE') {
    ctx.stats.revocations++;
    if (sendFault(ctx, 'revoke', res)) return;
  }
  if (req.headers.authorization === undefined)
    return message(ctx, res, 401, 'Requires authentication');
  const basic = basicCredentials(req.headers.authorization);
  const app = ctx.state.apps.get(clientId);
  if (!basic || !app || basic.clientId !== clientId || basic.clientSecret !== app.clientSecret) {
    // Wrong app credentials: GitHub answers 404, not revealing whether the app exists.
    return notFound(ctx, res);
  }
  const body = await readJSONObject(req);
  if (typeof body.access_token !== 'string' || body.access_token === '') {
    return message(ctx, res, 422, 'Invalid request.\n\n"access_token" wasn\'t supplied.');
  }
  const record = ctx.state.activeToken(body.access_token);
  if (!record || record.clientId !== clientId) {
    // "Invalid tokens will return 404 NOT FOUND."
    return notFound(ctx, res);
  }
  if (method === 'POST') {
    sendJSON(res, 200, authorizationJSON(ctx, record), ctx.state.now());
  } else if (method === 'PATCH') {
    // Reset: a new token with the same grant; the old one stops working at once.
    ctx.state.revoke(record);
    const fresh = ctx.state.issueToken(app, record.userId, record.scopes, record.viaDevice);
    sendJSON(res, 200, authorizationJSON(ctx, fresh), ctx.state.now());
  } else if (resource === 'token') {
    ctx.state.revoke(record);
    sendJSON(res, 204, undefined, ctx.state.now());
  } else {
    // "Deleting an application's grant will also delete all OAuth tokens ... for the user."
    ctx.state.revokeGrant(clientId, record.userId);
    sendJSON(res, 204, undefined, ctx.state.now());
  }
}
