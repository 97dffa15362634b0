// The provider double's token endpoint (code exchange and refresh) and revocation endpoint,
// answering success and failure in the preset's format, status and body shape.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readParams, send, sendJSON } from './double-http.ts';
import type { ClientAuthMethod, PresetAnswer, TokenFailure } from './preset.ts';
import { authenticateClient } from './provider-double-client-auth.ts';
import {
  issuerAt,
  presetTools,
  sendFault,
  type ProviderDoubleContext,
} from './provider-double-context.ts';
import { signIDToken } from './provider-double-oidc.ts';
import type { Grant } from './provider-double-state.ts';

/** RFC 6749 §5.2 `error` of each failure. */
const ERROR_CODES: Record<TokenFailure, string> = {
  bad_client: 'invalid_client',
  bad_code: 'invalid_grant',
  bad_verifier: 'invalid_grant',
  bad_redirect_uri: 'invalid_grant',
  bad_refresh_token: 'invalid_grant',
  refresh_token_reused: 'invalid_grant',
  unsupported_grant_type: 'unsupported_grant_type',
  bad_request: 'invalid_request',
};

const DESCRIPTIONS: Record<TokenFailure, string> = {
  bad_client: 'Client authentication failed.',
  bad_code: 'The authorization code is invalid, expired or already used.',
  bad_verifier: 'PKCE verification failed.',
  bad_redirect_uri: 'redirect_uri does not match the authorization request.',
  bad_refresh_token: 'The refresh token is invalid, expired or revoked.',
  refresh_token_reused: 'The refresh token was already used; the grant is revoked.',
  unsupported_grant_type: 'The grant type is not supported.',
  bad_request: 'The request is malformed.',
};

/** RFC 6749 §5.2: 400 JSON, 401 for `invalid_client`. */
export function rfc6749Error(error: string, description: string): PresetAnswer {
  return {
    status: error === 'invalid_client' ? 401 : 400,
    body: { error, error_description: description },
  };
}

function failureAnswer(
  ctx: ProviderDoubleContext,
  failure: TokenFailure,
  detail?: string,
): PresetAnswer {
  const description = detail ?? ctx.preset.errorDescriptions?.[failure] ?? DESCRIPTIONS[failure];
  return (ctx.preset.tokenError ?? rfc6749Error)(ERROR_CODES[failure], description, failure);
}

/** Sends a token answer in the preset's format (`accept`: JSON only when asked). */
function sendToken(
  ctx: ProviderDoubleContext,
  req: IncomingMessage,
  res: ServerResponse,
  answer: PresetAnswer,
): void {
  const format = ctx.preset.tokenResponse;
  const json =
    format === 'json' ||
    (format === 'accept' && (req.headers.accept ?? '').includes('application/json'));
  if (json || typeof answer.body !== 'object' || answer.body === null) {
    return sendJSON(res, answer.status, answer.body, ctx.state.now(), answer.headers);
  }
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(answer.body)) form.set(key, String(value));
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded', ...answer.headers };
  send(res, answer.status, headers, form.toString(), ctx.state.now());
}

function pkceFailed(
  ctx: ProviderDoubleContext,
  grant: Grant,
  verifier: string | undefined,
): boolean {
  if (ctx.preset.pkce === 'ignored' || grant.challenge === null) return false;
  if (verifier === undefined || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return true;
  const derived =
    grant.challengeMethod === 'plain'
      ? verifier
      : createHash('sha256')
          .update(verifier)
          .digest(ctx.preset.pkceChallengeEncoding ?? 'base64url');
  return derived !== grant.challenge;
}

async function tokenBody(
  ctx: ProviderDoubleContext,
  grant: Grant,
  withRefresh: boolean,
  nonce: string | null,
): Promise<Record<string, unknown>> {
  const { preset } = ctx;
  const lifetime = preset.accessTokenLifetime === undefined ? 3600 : preset.accessTokenLifetime;
  const issued = ctx.state.issueTokens(grant, lifetime, withRefresh);
  const body: Record<string, unknown> = {
    access_token: issued.accessToken,
    token_type: preset.tokenType ?? 'Bearer',
  };
  if (lifetime !== null) body.expires_in = lifetime;
  if (issued.refreshToken !== null) body.refresh_token = issued.refreshToken;
  body.scope = grant.scopes.join(preset.scopeSeparator);
  if (preset.openid && grant.scopes.includes('openid')) {
    body.id_token = await signIDToken(ctx, grant, nonce);
  }
  return { ...body, ...preset.tokenExtras?.(grant.user, grant.scopes) };
}

/**
 * The token endpoint: `authorization_code` and `refresh_token` grants (RFC 6749 §4.1.3, §6).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5
 */
async function token(
  ctx: ProviderDoubleContext,
  req: IncomingMessage,
  res: ServerResponse,
  { params, clientId }: { params: Map<string, string>; clientId: string },
): Promise<void> {
  const fail = (failure: TokenFailure, detail?: string): void =>
    sendToken(ctx, req, res, failureAnswer(ctx, failure, detail));
  const grantType = params.get('grant_type');
  // The provider's own checks of a request (a parameter it requires), given what it issued.
  const problem = (grant: Grant): string | null =>
    ctx.preset.checkTokenRequest?.(params, grant.callbackParams ?? {}) ?? null;

  if (grantType === 'authorization_code') {
    const grant = ctx.state.redeemCode(params.get('code') ?? '', clientId);
    if (!grant) return fail('bad_code');
    const redirectURI = params.get('redirect_uri');
    // RFC 6749 §4.1.3: required and identical when the authorization request named one.
    if ((grant.redirectURIGiven || redirectURI !== undefined) && redirectURI !== grant.redirectURI)
      return fail('bad_redirect_uri');
    if (pkceFailed(ctx, grant, params.get('code_verifier'))) return fail('bad_verifier');
    const invalid = problem(grant);
    if (invalid !== null) return fail('bad_request', invalid);
    const body = await tokenBody(ctx, grant, grant.withRefresh, grant.nonce);
    return sendToken(ctx, req, res, { status: 200, body });
  }
  if (grantType === 'refresh_token') {
    const used = ctx.state.useRefresh(params.get('refresh_token') ?? '', clientId, ctx.preset);
    if ('failure' in used) return fail(used.failure);
    const invalid = problem(used.grant);
    if (invalid !== null) return fail('bad_request', invalid);
    const body = await tokenBody(ctx, used.grant, ctx.preset.refresh.rotate, null);
    if (ctx.preset.refresh.idToken !== true) delete body.id_token;
    return sendToken(ctx, req, res, { status: 200, body });
  }
  const own = grantType === undefined ? undefined : ctx.preset.grants?.[grantType];
  if (own) {
    const request = { method: 'POST', params, authorization: req.headers.authorization ?? null };
    return sendToken(ctx, req, res, own(request, presetTools(ctx), clientId));
  }
  return fail('unsupported_grant_type');
}

/**
 * The revocation endpoint (RFC 7009 §2): 200 for any token, known or not, once the client is
 * authenticated; revoking one token of a grant ends the grant.
 */
function revoke(
  ctx: ProviderDoubleContext,
  req: IncomingMessage,
  res: ServerResponse,
  { params, clientId }: { params: Map<string, string>; clientId: string | null },
): void {
  const value = params.get(ctx.preset.revocationParam ?? 'token');
  if (value === undefined) return sendToken(ctx, req, res, failureAnswer(ctx, 'bad_request'));
  ctx.state.revoke(value, clientId);
  sendJSON(res, 200, {}, ctx.state.now());
}

/** `POST` to the token or revocation endpoint: client authentication, then the endpoint. */
export async function handleClientRequest(
  ctx: ProviderDoubleContext,
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: 'token' | 'revoke',
  prefix: string,
  log: { clientAuthentication: ClientAuthMethod | null },
): Promise<void> {
  const params = await readParams(req, new URLSearchParams());
  if (sendFault(ctx, endpoint, res)) return;
  const method = req.method ?? '';
  const refusal = ctx.preset.screen?.({ endpoint, method, headers: req.headers, params });
  if (refusal) return sendToken(ctx, req, res, refusal);
  const anonymous =
    req.headers.authorization === undefined && !params.has(ctx.preset.clientIdParam ?? 'client_id');
  if (endpoint === 'revoke' && anonymous && ctx.preset.revocationWithoutClient === true) {
    return revoke(ctx, req, res, { params, clientId: null });
  }
  // Twitch: a bare `client_id` (no secret, no assertion) names the client at revocation.
  const named = params.get('client_id') ?? '';
  const bare =
    req.headers.authorization === undefined &&
    !params.has('client_secret') &&
    !params.has('client_assertion');
  if (endpoint === 'revoke' && bare && ctx.preset.revocationWithoutClient === 'client_id') {
    if (ctx.state.clients.has(named)) return revoke(ctx, req, res, { params, clientId: named });
  }
  const issuer = issuerAt(ctx, prefix) ?? ctx.origin;
  // RFC 7523 §3: a client assertion's `aud` names the endpoint (or, commonly, the issuer).
  const audiences = [`${ctx.origin}${prefix}${ctx.preset.paths[endpoint] ?? ''}`, issuer];
  const auth = await authenticateClient(ctx.state, ctx.preset, req, params, audiences);
  log.clientAuthentication = auth.method;
  if ('failure' in auth) return sendToken(ctx, req, res, failureAnswer(ctx, auth.failure));
  const started = { params, clientId: auth.client.clientId };
  if (endpoint === 'token') return token(ctx, req, res, started);
  revoke(ctx, req, res, started);
}
