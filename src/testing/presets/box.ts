// Box's OAuth 2.0 endpoints (account.box.com, api.box.com), as Box documents them.
import type { ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const OAUTH = 'https://developer.box.com/guides/authentication/oauth2/';
const TOKENS = 'https://developer.box.com/guides/authentication/tokens/';

/** Box: secret in the body, single-use refresh tokens, `login` as the email, 401 without a body. */
export const boxPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'box',
  name: 'Box',
  paths: {
    authorize: '/api/oauth2/authorize',
    token: '/oauth2/token',
    userinfo: '/2.0/users/me',
    revoke: '/oauth2/revoke',
  },
  clientAuth: ['client_secret_post'],
  pkce: 'ignored',
  tokenType: 'bearer',
  accessTokenLifetime: 3600,
  refresh: { issue: 'always', rotate: true },
  // `scope: undefined` drops the field: Box's token answers list no scopes.
  tokenExtras: () => ({
    scope: undefined,
    restricted_to: [],
    issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
  }),
  unauthorized: {
    status: 401,
    body: '',
    headers: {
      'WWW-Authenticate':
        'Bearer realm="Service", error="invalid_token", error_description="The access token provided is invalid."',
    },
  },
  user: (user) => ({
    type: 'user',
    id: user.id,
    name: user.name ?? '',
    login: user.email ?? '',
    avatar_url: user.avatarURL ?? `https://app.box.com/api/avatar/large/${user.id}`,
    status: 'active',
    ...user.claims,
  }),
  quirks: [
    {
      why: 'Token and revocation requests carry client_id and client_secret in the form body.',
      source: 'https://developer.box.com/reference/post-oauth2-token/',
    },
    {
      why: 'A refresh token lasts 60 days or one use: every refresh returns a new pair.',
      source: TOKENS,
    },
    {
      why: 'Scopes default to those configured on the app; token answers list none and use token_type "bearer".',
      source: 'https://developer.box.com/reference/get-authorize/',
    },
    {
      why: 'PKCE is not mentioned in the OAuth 2.0 guide; the double ignores a challenge.',
      source: OAUTH,
    },
    {
      why: 'users/me: id is a numeric string, login is the primary email; no verification flag is documented.',
      source: 'https://developer.box.com/reference/get-users-me/',
    },
    {
      why: "A dead access token gets 401 with an empty body and a WWW-Authenticate challenge (documented for the API in general; the exact header text is the double's).",
      source: 'https://developer.box.com/guides/api-calls/permissions-and-errors/common-errors/',
    },
    {
      why: 'Revocation is POST /oauth2/revoke with the token and client credentials (RFC 7009 style).',
      source: 'https://developer.box.com/reference/post-oauth2-revoke/',
    },
  ],
};
