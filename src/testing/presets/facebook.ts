// Facebook Login's manually built flow and the Graph API `/me`, as Meta documents them.
import type { PresetAnswer, ProviderPreset, TokenFailure } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const V = 'v23.0';
const LOGIN = 'https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow';
const GRAPH = 'https://developers.facebook.com/docs/graph-api';

/** A Graph API error body (`{ error: { message, type, code, fbtrace_id } }`). */
function graphError(status: number, message: string, code: number, subcode?: number): PresetAnswer {
  const error = { message, type: 'OAuthException', code, fbtrace_id: 'AzL4Fb3Dtrace' };
  return { status, body: { error: subcode ? { ...error, error_subcode: subcode } : error } };
}

const TOKEN_ERRORS: Record<TokenFailure, PresetAnswer> = {
  bad_client: graphError(400, 'Error validating client secret.', 1),
  bad_code: graphError(400, 'This authorization code has been used.', 100, 36009),
  bad_verifier: graphError(400, 'Invalid code verifier.', 100),
  bad_redirect_uri: graphError(
    400,
    'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
    100,
    36008,
  ),
  bad_refresh_token: graphError(400, 'Unsupported grant type.', 100),
  refresh_token_reused: graphError(400, 'Unsupported grant type.', 100),
  unsupported_grant_type: graphError(400, 'Unsupported grant type.', 100),
  bad_request: graphError(400, 'Missing redirect_uri parameter.', 100),
};

/** Facebook: Graph error bodies, no refresh tokens, `picture.data.url`, email only if valid. */
export const facebookPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'facebook',
  name: 'Facebook',
  paths: {
    authorize: `/${V}/dialog/oauth`,
    token: `/${V}/oauth/access_token`,
    userinfo: `/${V}/me`,
  },
  clientAuth: ['client_secret_post'],
  pkce: 'optional',
  scopeSeparator: ',',
  tokenType: 'bearer',
  accessTokenLifetime: 5_183_944, // about 60 days: the code flow gives long-lived tokens
  refresh: { issue: 'never', rotate: false },
  tokenError: (_error, _description, failure) => TOKEN_ERRORS[failure],
  unauthorized: graphError(400, 'Invalid OAuth access token - Cannot parse access token', 190),
  user(user, scopes) {
    const body: Record<string, unknown> = { id: user.id };
    if (user.name != null) body.name = user.name;
    // Only a valid (confirmed) address, and only with the email permission.
    if (scopes.includes('email') && user.email != null && user.emailVerified !== false)
      body.email = user.email;
    const silhouette = user.avatarURL == null;
    const url = user.avatarURL ?? 'https://static.xx.fbcdn.net/rsrc.php/silhouette.png';
    body.picture = { data: { height: 50, width: 50, is_silhouette: silhouette, url } };
    return { ...body, ...user.claims };
  },
  quirks: [
    {
      why: 'Every URL is pinned to a Graph API version (/v23.0/...); unversioned calls use the app’s oldest available version.',
      source: `${GRAPH}/guides/versioning`,
    },
    {
      why: 'The code is exchanged at graph.facebook.com/{version}/oauth/access_token with client_id and client_secret as parameters; no refresh token is ever issued.',
      source: `${LOGIN}#confirm`,
    },
    {
      why: 'appsecret_proof (hex HMAC-SHA256 of the access token keyed with the app secret) on Graph calls; required when the app enables “Require App Secret”. The double does not enforce it (tests check it on the wire).',
      source: `${GRAPH}/guides/secure-requests#appsecret_proof`,
    },
    {
      why: 'email: the primary address, “not returned if no valid email address is available” (phone-only accounts, unconfirmed addresses); there is no email_verified field.',
      source: `${GRAPH}/reference/user#fields`,
    },
    {
      why: 'Errors (token endpoint included) are {error:{message,type,code,error_subcode?,fbtrace_id}}; 190 is an invalid access token, 100/36009 a used code, 1 a bad client secret.',
      source: `${GRAPH}/guides/error-handling`,
    },
    {
      why: 'Revocation is DELETE /me/permissions (no RFC 7009 endpoint); the double does not serve it. Token answers carry no scope field; the double adds one.',
      source: `${LOGIN}#deleting`,
    },
  ],
};
