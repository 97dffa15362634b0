// A code exchange for providers whose token endpoint wants values from the callback besides the
// code (Naver's and VK ID's `state`, VK ID's `device_id`): the callback is checked exactly as
// the generic client does, then the grant is sent with those values added.
import { checkCallbackState, type OAuthClient } from './client.ts';
import { OAuthCallbackError, OAuthRequestError } from './errors.ts';
import type { OAuthTokens, ValidateAuthorizationCodeOptions } from './provider.ts';

/**
 * Validates the callback (repeated parameters, state, iss, error, code) before any request, then
 * exchanges the code with `extra(callback)` added to the token request.
 * @throws OAuthCallbackError when the callback is not ours; nothing was fetched
 * @throws OAuthRequestError when the provider reported an error
 * @throws OAuthResponseError when the token response is invalid
 */
export async function exchangeWithCallback(
  client: OAuthClient,
  options: ValidateAuthorizationCodeOptions,
  extra: (callback: URLSearchParams) => Record<string, string>,
): Promise<OAuthTokens> {
  if (!(options?.callbackURL instanceof URL))
    throw new TypeError('latchkey: "callbackURL" must be a URL');
  const params = checkCallbackState(options.callbackURL, options.expectedState);
  const iss = params.get('iss');
  if (iss !== null && iss !== (await client.metadata()).issuer)
    throw new OAuthCallbackError('iss_mismatch');
  if (params.has('error'))
    throw new OAuthRequestError(params.get('error'), params.get('error_description'), null);
  const code = params.get('code');
  if (!code) throw new OAuthCallbackError('missing_code');
  if (client.pkce && !options.codeVerifier) throw new OAuthCallbackError('missing_code_verifier');
  const grant: Record<string, string> = { code, redirect_uri: options.redirectURI };
  if (client.pkce) grant.code_verifier = options.codeVerifier!;
  const tokens = await client.grant(
    'authorization_code',
    { ...grant, ...extra(params) },
    'code exchange',
  );
  // What was asked is what was granted when the answer names no scope (RFC 6749 §5.1).
  return tokens.scopesReported || !options.scopes
    ? tokens
    : { ...tokens, scopes: [...options.scopes] };
}
