// `POST /login/oauth/access_token` of the GitHub double: code exchange, refresh with rotation and
// device polling, answering errors the way GitHub does — HTTP 200 with an `error` body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendFault, type DoubleContext } from './github-double-context.ts';
import { basicCredentials, readParams, sendOAuth } from './double-http.ts';
import {
  ACCESS_TOKEN_LIFETIME_S,
  REFRESH_TOKEN_LIFETIME_S,
  s256,
  type GitHubDoubleApp,
  type GitHubDoubleUser,
  type TokenRecord,
} from './github-double-state.ts';

const TOKEN_ERRORS_DOC =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';
const DEVICE_ERRORS_DOC =
  'https://docs.github.com/developers/apps/authorizing-oauth-apps#error-codes-for-the-device-flow';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

// GitHub's documented wording for each token endpoint error.
export const GITHUB_TOKEN_ERRORS: Record<string, [description: string, uri: string]> = {
  incorrect_client_credentials: [
    'The client_id and/or client_secret passed are incorrect.',
    `${TOKEN_ERRORS_DOC}/#incorrect-client-credentials`,
  ],
  redirect_uri_mismatch: [
    'The redirect_uri MUST match the registered callback URL for this application.',
    `${TOKEN_ERRORS_DOC}/#redirect-uri-mismatch2`,
  ],
  bad_verification_code: [
    'The code passed is incorrect or expired.',
    `${TOKEN_ERRORS_DOC}/#bad-verification-code`,
  ],
  unverified_user_email: [
    'The user must have a verified primary email.',
    `${TOKEN_ERRORS_DOC}/#unverified-user-email`,
  ],
  bad_refresh_token: [
    'The refresh token passed is incorrect or expired.',
    `${TOKEN_ERRORS_DOC}/#bad-refresh-token`,
  ],
  unsupported_grant_type: ['The grant type is not supported.', DEVICE_ERRORS_DOC],
  authorization_pending: ['The authorization request is still pending.', DEVICE_ERRORS_DOC],
  slow_down: ['Too many requests have been made in the same timeframe.', DEVICE_ERRORS_DOC],
  expired_token: ['The device_code has expired.', DEVICE_ERRORS_DOC],
  access_denied: ['The authorization request was denied.', DEVICE_ERRORS_DOC],
  incorrect_device_code: ['The device_code provided is not valid.', DEVICE_ERRORS_DOC],
};

type Reply = Record<string, string | number>;

/** GitHub's token endpoint error body for `code` (sent with HTTP 200). */
export function githubTokenError(code: string, extra: Reply = {}): Reply {
  const [description, uri] = GITHUB_TOKEN_ERRORS[code] ?? ['', ''];
  return { error: code, error_description: description, error_uri: uri, ...extra };
}

/** The success body, without `scope` for an app with the `omitScope` quirk. */
function success(app: GitHubDoubleApp, record: TokenRecord): Reply {
  const body = successBody(app, record);
  if (app.omitScope) delete body.scope;
  return body;
}

/** GitHub's success body: expiring tokens carry their lifetimes and a refresh token. */
function successBody(app: GitHubDoubleApp, record: TokenRecord): Reply {
  if (app.kind === 'oauth-app') {
    // Granted scopes come back comma-separated ("repo,gist"), never space-separated.
    const scope = record.scopes.join(',');
    if (record.refreshToken === null) {
      return { access_token: record.accessToken, token_type: 'bearer', scope };
    }
    // Expiring OAuth App tokens: the GitHub App answer's fields, with the granted scopes.
    // Whether GitHub echoes `offline_access` in `scope` is undocumented; the double does.
    return {
      access_token: record.accessToken,
      expires_in: ACCESS_TOKEN_LIFETIME_S,
      refresh_token: record.refreshToken,
      refresh_token_expires_in: REFRESH_TOKEN_LIFETIME_S,
      token_type: 'bearer',
      scope,
    };
  }
  if (record.refreshToken === null) {
    return { access_token: record.accessToken, token_type: 'bearer', scope: '' };
  }
  // "scope ... will always be an empty string" for GitHub App user access tokens.
  return {
    access_token: record.accessToken,
    expires_in: ACCESS_TOKEN_LIFETIME_S,
    refresh_token: record.refreshToken,
    refresh_token_expires_in: REFRESH_TOKEN_LIFETIME_S,
    token_type: 'bearer',
    scope: '',
  };
}

/** "The user must have a verified primary email" before GitHub issues a user token. */
function primaryUnverified(user: GitHubDoubleUser): boolean {
  return user.emails.some((e) => e.primary && !e.verified);
}

/**
 * `POST /login/oauth/access_token`.
 * @see https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
 */
export async function handleToken(
  ctx: DoubleContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  ctx.stats.tokenRequests++;
  const params = await readParams(req, url.searchParams);
  // GitHub's code exchange does not require grant_type.
  const grantType = params.get('grant_type') ?? 'authorization_code';
  if (grantType === 'authorization_code') ctx.stats.codeExchanges++;
  else if (grantType === 'refresh_token') ctx.stats.refreshes++;
  else if (grantType === DEVICE_GRANT) ctx.stats.deviceTokenPolls++;
  if (sendFault(ctx, 'token', res)) return;

  const basic = basicCredentials(req.headers.authorization);
  const clientId = basic?.clientId ?? params.get('client_id') ?? '';
  const clientSecret = basic?.clientSecret ?? params.get('client_secret');
  const app = ctx.state.apps.get(clientId);
  const reply = (body: Reply): void => sendOAuth(req, res, body, ctx.state.now());

  if (grantType === DEVICE_GRANT) {
    // "The client_secret is not needed for the device flow."
    if (!app) return reply(githubTokenError('incorrect_client_credentials'));
    return reply(pollDevice(ctx, app, params.get('device_code') ?? ''));
  }
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    return reply(githubTokenError('unsupported_grant_type'));
  }
  if (grantType === 'refresh_token') {
    if (!app) return reply(githubTokenError('incorrect_client_credentials'));
    const refreshToken = params.get('refresh_token') ?? '';
    const old = ctx.state.refreshTokens.get(refreshToken);
    // The secret is "Required unless the user access token was generated using the device flow".
    const secretOptional = old !== undefined && old.viaDevice && clientSecret === undefined;
    if (!secretOptional && clientSecret !== app.clientSecret) {
      return reply(githubTokenError('incorrect_client_credentials'));
    }
    const rotated = ctx.state.rotate(app, refreshToken);
    if (!rotated) return reply(githubTokenError('bad_refresh_token'));
    if (ctx.dropNextRefresh) {
      // The fault: rotation happened upstream, but the answer never arrives.
      ctx.dropNextRefresh = false;
      req.socket.destroy();
      return;
    }
    return reply(success(app, rotated));
  }

  if (!app || clientSecret !== app.clientSecret)
    return reply(githubTokenError('incorrect_client_credentials'));
  const code = ctx.state.codes.get(params.get('code') ?? '');
  if (!code || code.used || code.clientId !== app.clientId || code.expiresAt <= ctx.state.now()) {
    // Unknown, used or expired (10 minutes) codes all get the same answer.
    return reply(githubTokenError('bad_verification_code'));
  }
  const redirectURI = params.get('redirect_uri');
  if (redirectURI !== undefined && redirectURI !== code.redirectURI) {
    return reply(githubTokenError('redirect_uri_mismatch'));
  }
  if (code.codeChallenge !== null) {
    const verifier = params.get('code_verifier');
    // GitHub does not document its PKCE failure answer; a code that "doesn't match" is
    // bad_verification_code in its docs, so a missing or wrong verifier gets that too.
    if (verifier === undefined || s256(verifier) !== code.codeChallenge) {
      return reply(githubTokenError('bad_verification_code'));
    }
  }
  const user = ctx.state.userById(code.userId);
  if (!user) return reply(githubTokenError('bad_verification_code'));
  if (primaryUnverified(user)) return reply(githubTokenError('unverified_user_email'));
  code.used = true;
  return reply(success(app, ctx.state.issueToken(app, user.id, code.scopes, false)));
}

/**
 * One device flow poll (RFC 8628 §3.4–3.5, with GitHub's error codes).
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#error-codes-for-the-device-flow
 */
function pollDevice(ctx: DoubleContext, app: GitHubDoubleApp, deviceCode: string): Reply {
  const grant = ctx.state.deviceGrants.get(deviceCode);
  // A device code is single use: after its token was issued it is as unknown as a made-up one
  // (GitHub's answer here is undocumented).
  if (!grant || grant.clientId !== app.clientId || grant.status === 'consumed') {
    return githubTokenError('incorrect_device_code');
  }
  const now = ctx.state.now();
  if (grant.expiresAt <= now) return githubTokenError('expired_token');
  if (grant.status === 'denied') return githubTokenError('access_denied');
  const tooSoon = grant.lastPollAt !== null && now - grant.lastPollAt < grant.interval * 1000;
  grant.lastPollAt = now;
  if (tooSoon) {
    // "The slow_down error response adds 5 seconds to the last interval" and carries it.
    grant.interval += 5;
    return githubTokenError('slow_down', { interval: grant.interval });
  }
  if (grant.status === 'pending' || grant.userId === null)
    return githubTokenError('authorization_pending');
  const user = ctx.state.userById(grant.userId);
  if (!user) return githubTokenError('incorrect_device_code');
  if (primaryUnverified(user)) return githubTokenError('unverified_user_email');
  grant.status = 'consumed';
  return success(app, ctx.state.issueToken(app, user.id, grant.scopes, true));
}
