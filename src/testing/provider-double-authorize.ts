// The provider double's authorization endpoint: checks the client and redirect URI, then
// approves as the scripted user, shows a page a browser can click, or denies; answers in the
// query or, when asked and the preset allows it, with `response_mode=form_post`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readParams, redirect, send } from './double-http.ts';
import { issuerAt, parseScopes, type ProviderDoubleContext } from './provider-double-context.ts';
import { errorPage, formPostPage, signInPage } from './provider-double-pages.ts';
import type { DoubleClientOptions } from './provider-double-state.ts';
import type { TestUser } from './preset.ts';

function html(ctx: ProviderDoubleContext, res: ServerResponse, status: number, page: string): void {
  send(res, status, { 'Content-Type': 'text/html; charset=utf-8' }, page, ctx.state.now());
}

function redirectURIAllowed(client: DoubleClientOptions, uri: string): boolean {
  if (client.redirectURIs) return client.redirectURIs.includes(uri);
  try {
    const url = new URL(uri);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hash === '';
  } catch {
    return false;
  }
}

/** Where and how the answer goes back to the app. */
interface Return {
  redirectURI: string;
  formPost: boolean;
  state: string | undefined;
  issuer: string;
}

function answer(
  ctx: ProviderDoubleContext,
  res: ServerResponse,
  to: Return,
  values: Record<string, string>,
): void {
  const params = new URLSearchParams(values);
  if (to.state !== undefined) params.set('state', to.state);
  if (ctx.preset.callbackIss) params.set('iss', to.issuer);
  if (to.formPost) {
    return html(ctx, res, 200, formPostPage(ctx.preset.name, to.redirectURI, params));
  }
  const target = new URL(to.redirectURI);
  for (const [key, value] of params) target.searchParams.set(key, value);
  redirect(res, target.href, ctx.state.now());
}

function approve(
  ctx: ProviderDoubleContext,
  res: ServerResponse,
  to: Return,
  client: DoubleClientOptions,
  user: TestUser,
  params: Map<string, string>,
  prefix: string,
): void {
  const scopes = parseScopes(ctx.preset, params.get('scope'));
  const issue = ctx.preset.refresh.issue;
  const authorize = new URLSearchParams([...params]);
  const extra = ctx.preset.callbackParams?.(user) ?? {};
  const code = ctx.state.issueCode({
    clientId: client.clientId,
    user,
    scopes,
    prefix,
    redirectURI: to.redirectURI,
    redirectURIGiven: params.has('redirect_uri'),
    nonce: params.get('nonce') ?? null,
    challenge: params.get('code_challenge') ?? null,
    challengeMethod: params.get('code_challenge_method') ?? 'plain',
    withRefresh: typeof issue === 'function' ? issue(authorize, scopes) : issue === 'always',
    revoked: false,
    authorize: params,
    callbackParams: extra,
  });
  const consent = `${client.clientId}\0${user.id}`;
  const first = !ctx.state.consents.has(consent);
  ctx.state.consents.add(consent);
  const extras = ctx.preset.authorizationExtras?.(user, scopes, first) ?? {};
  answer(ctx, res, to, { ...extra, ...extras, code });
}

/** The PKCE problem of an authorization request, or `null` (RFC 7636 §4.4.1). */
function pkceProblem(ctx: ProviderDoubleContext, params: Map<string, string>): string | null {
  const { pkce, pkceMethods = ['S256'] } = ctx.preset;
  if (pkce === 'ignored') return null;
  const challenge = params.get('code_challenge');
  if (challenge === undefined) return pkce === 'required' ? 'code_challenge is required.' : null;
  const method = params.get('code_challenge_method') ?? 'plain';
  if (!(pkceMethods as string[]).includes(method)) return 'code_challenge_method is not supported.';
  if (!/^[A-Za-z0-9._~-]{43,128}$/.test(challenge)) return 'code_challenge is malformed.';
  return null;
}

/**
 * `GET`/`POST` authorize. A POST is the sign-in page's form (`user` or `deny`).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 */
export async function handleAuthorize(
  ctx: ProviderDoubleContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  prefix: string,
): Promise<void> {
  const params =
    req.method === 'POST' ? await readParams(req, url.searchParams) : new Map(url.searchParams);
  const name = ctx.preset.name;
  const client = ctx.state.clients.get(params.get(ctx.preset.clientIdParam ?? 'client_id') ?? '');
  // Unknown client or unusable redirect URI: an error page, never a redirect (RFC 6749 §4.1.2.1).
  if (!client) return html(ctx, res, 400, errorPage(name, 'Unknown client_id.'));
  const given = params.get('redirect_uri');
  const redirectURI = given ?? client.redirectURIs?.[0];
  if (redirectURI === undefined || !redirectURIAllowed(client, redirectURI)) {
    return html(ctx, res, 400, errorPage(name, 'redirect_uri is missing or not registered.'));
  }
  const mode = params.get('response_mode') ?? 'query';
  const to: Return = {
    redirectURI,
    formPost: mode === 'form_post' && (ctx.preset.responseModes ?? []).includes('form_post'),
    state: params.get('state'),
    issuer: issuerAt(ctx, prefix) ?? ctx.origin,
  };
  const fail = (error: string, description: string): void =>
    answer(ctx, res, to, { error, error_description: description });
  if (mode !== 'query' && !to.formPost) {
    return fail('invalid_request', 'response_mode is not supported.');
  }
  if (params.get('response_type') !== 'code') {
    return fail('unsupported_response_type', 'Only response_type=code is supported.');
  }
  const pkce = pkceProblem(ctx, params);
  if (pkce !== null) return fail('invalid_request', pkce);

  if (req.method === 'POST') {
    const user = ctx.state.users.get(params.get('user') ?? '');
    if (params.has('deny') || !user) return fail('access_denied', 'The user denied access.');
    return approve(ctx, res, to, client, user, params, prefix);
  }
  if (ctx.denyNext) {
    const { error, description } = ctx.denyNext;
    ctx.denyNext = null;
    return answer(
      ctx,
      res,
      to,
      description ? { error, error_description: description } : { error },
    );
  }
  const id = ctx.current === undefined ? [...ctx.state.users.keys()][0] : ctx.current;
  const user = id === null || id === undefined ? undefined : ctx.state.users.get(id);
  if (!user) {
    const carried = new Map(params);
    carried.delete('user');
    carried.delete('deny');
    const page = signInPage({
      provider: name,
      action: url.pathname,
      clientId: client.clientId,
      scopes: parseScopes(ctx.preset, params.get('scope')),
      params: carried,
      users: [...ctx.state.users.values()],
    });
    return html(ctx, res, 200, page);
  }
  approve(ctx, res, to, client, user, params, prefix);
}
