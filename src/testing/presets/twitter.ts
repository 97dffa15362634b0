// X (Twitter) OAuth 2.0 Authorization Code with PKCE, as X documents it.
import type { ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const DOC = 'https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code';
const TOKEN_DOC = 'https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token';
const ME_DOC = 'https://docs.x.com/x-api/users/get-my-user';

/** X: PKCE required, Basic auth, refresh only with offline.access (rotated), `{data}` users. */
export const twitterPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'twitter',
  name: 'X',
  paths: {
    authorize: '/i/oauth2/authorize',
    token: '/2/oauth2/token',
    userinfo: '/2/users/me',
    revoke: '/2/oauth2/revoke',
  },
  clientAuth: ['client_secret_basic', 'none'],
  pkce: 'required',
  pkceMethods: ['S256', 'plain'],
  tokenType: 'bearer',
  accessTokenLifetime: 7200,
  refresh: { issue: (_authorize, scopes) => scopes.includes('offline.access'), rotate: true },
  // X answers a bad code or verifier with invalid_request, a bad client with
  // unauthorized_client (401).
  tokenError: (error, description, failure) => {
    if (failure === 'bad_client')
      return {
        status: 401,
        body: { error: 'unauthorized_client', error_description: description },
      };
    const code = failure === 'bad_code' || failure === 'bad_verifier' ? 'invalid_request' : error;
    return { status: 400, body: { error: code, error_description: description } };
  },
  errorDescriptions: {
    bad_code: 'Value passed for the authorization code was invalid.',
    bad_verifier: 'Value passed for the authorization code was invalid.',
    bad_client: 'Missing valid authorization header',
    bad_refresh_token: 'Value passed for the token was invalid.',
  },
  unauthorized: {
    status: 401,
    body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
  },
  user(user, scopes) {
    const data: Record<string, unknown> = {
      id: user.id,
      name: user.name ?? user.username ?? user.id,
      username: user.username ?? `user${user.id}`,
    };
    if (user.avatarURL != null) data.profile_image_url = user.avatarURL;
    if (scopes.includes('users.email') && user.email != null && user.emailVerified !== false)
      data.confirmed_email = user.email;
    return { data: { ...data, ...user.claims } };
  },
  quirks: [
    {
      why: 'PKCE is required on every authorization request (S256 or plain).',
      source: TOKEN_DOC,
    },
    {
      why: 'Confidential clients authenticate with HTTP Basic at the token endpoints; public clients send client_id in the body.',
      source: TOKEN_DOC,
    },
    {
      why: 'A refresh token only with the offline.access scope; access tokens live two hours.',
      source: `${DOC}#refresh-tokens`,
    },
    {
      why: 'Docs are silent on rotation; a refresh answer carries a new refresh token and the old one stops working (widely reported; the double rotates).',
      source: DOC,
    },
    {
      why: 'GET /2/users/me answers {data:{id,name,username}}; profile_image_url and confirmed_email only when listed in user.fields. Which scope releases confirmed_email is not stated on the pages read (users.email assumed).',
      source: ME_DOC,
    },
    {
      why: 'Token errors: invalid_request "Value passed for the authorization code was invalid." for a bad code or verifier; unauthorized_client 401 for bad Basic credentials (reported wording, not on a docs page).',
      source: TOKEN_DOC,
    },
    {
      why: 'API errors are RFC 7807 problem JSON ({title, type, status, detail}).',
      source: 'https://docs.x.com/x-api/fundamentals/response-codes-and-errors',
    },
  ],
};
