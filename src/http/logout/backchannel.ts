// `POST {base}/{provider}/backchannel-logout`: the provider says one of its sessions has ended,
// with a signed logout token; the latchkey sessions signed in through it end too. Everything
// that can be checked is checked before anything is written, and the token's `jti` is spent
// only after the token proved valid — so a forged, foreign or replayed token changes nothing.
import { encodeBase64url } from '../../core/random.ts';
import { sha256 } from '../../core/sha256.ts';
import { LOGOUT_TOKEN_WINDOW, LogoutTokenError } from '../../oauth/logout-token.ts';
import type { OAuthProvider } from '../../oauth/provider.ts';
import type { RequestContext, ResolvedOptions } from '../options.ts';
import { errorResponse, noContent, oauthError } from '../responses.ts';
import { readFormBody } from './form-body.ts';
import { forgetProviderSession, sessionsEndedBy } from './provider-session.ts';

// A logout token is a few hundred bytes to a few KiB; nothing else belongs in the body.
const MAX_BODY = 16 * 1024;

/**
 * Validates a logout token and revokes the sessions it names. 200 on success (also when no
 * session matched: the provider has nothing to retry), 400 `{ error, error_description }` for a
 * bad request or token; every answer is `Cache-Control: no-store`.
 * @see https://openid.net/specs/openid-connect-backchannel-1_0.html#BCResponse
 */
export async function backchannelLogoutRoute(
  h: ResolvedOptions<object, object>,
  ctx: RequestContext,
  provider: OAuthProvider,
): Promise<Response> {
  const settings = h.providerLogout;
  const logout = provider.logout;
  if (!settings?.backChannel || !settings.providers.has(provider.id) || logout === undefined) {
    return errorResponse(404, 'not_found');
  }
  const fields = await readFormBody(ctx.request, MAX_BODY);
  if (fields instanceof Response) return fields;
  const token = fields.get('logout_token');
  if (token === null) return oauthError('invalid_request', 'logout_token is missing');
  let claims;
  try {
    claims = await logout.validateLogoutToken(token, { now: h.auth.now() });
    // Single use, across processes: of two deliveries of one token only the first counts.
    const jti = encodeBase64url(sha256(`${provider.id}\n${claims.jti}`));
    const until = (claims.iat + LOGOUT_TOKEN_WINDOW) * 1000 + 60_000;
    if (!(await h.auth.store.addTemp('logout-jti', jti, '1', until))) {
      throw new LogoutTokenError('replayed');
    }
  } catch (error) {
    if (!(error instanceof LogoutTokenError)) throw error;
    h.logger.error('latchkey: back-channel logout token rejected', {
      provider: provider.id,
      code: error.code,
      reason: error.reason,
    });
    return oauthError('invalid_request', `The logout token was rejected (${error.reason})`);
  }
  for (const sessionId of await sessionsEndedBy(h, provider.id, claims)) {
    await h.auth.invalidateSession(sessionId);
    await forgetProviderSession(h, sessionId);
  }
  return new Response(null, { status: 200, headers: noContent().headers });
}
