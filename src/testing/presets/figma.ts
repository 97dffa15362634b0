// Figma: authorization at www.figma.com/oauth, tokens and the REST API at api.figma.com (both
// served by one double), as Figma documents them.
import type { ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const DOC = 'https://developers.figma.com/docs/rest-api/authentication/';

/** Figma: Basic auth, a separate refresh path without rotation, `{error: true}` error bodies. */
export const figmaPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'figma',
  name: 'Figma',
  paths: {
    authorize: '/oauth',
    token: '/v1/oauth/token',
    refresh: '/v1/oauth/refresh',
    userinfo: '/v1/me',
  },
  clientAuth: ['client_secret_basic'],
  pkce: 'optional',
  tokenType: 'bearer',
  accessTokenLifetime: 7_776_000,
  refresh: { issue: 'always', rotate: false },
  tokenExtras: (user) => ({ user_id_string: user.id }),
  tokenError: (_error, description, failure) => {
    const status = failure === 'bad_client' ? 401 : 400;
    return { status, body: { error: true, status, message: description, i18n: null } };
  },
  errorDescriptions: { bad_code: 'Invalid code', bad_refresh_token: 'Invalid refresh token' },
  unauthorized: { status: 403, body: { status: 403, err: 'Invalid token' } },
  user: (user) => ({
    id: user.id,
    handle: user.username ?? user.name ?? 'figma-user',
    img_url: user.avatarURL ?? 'https://s3-alpha.figma.example/profile/default.png',
    email: user.email ?? '',
    ...user.claims,
  }),
  quirks: [
    {
      why: 'Tokens at api.figma.com/v1/oauth/token (www.figma.com/api/oauth/token was retired in 2025), client credentials by HTTP Basic.',
      source: 'https://community.auth0.com/t/figma-tokenurl-migration/182728',
    },
    {
      why: 'Refresh at its own path /v1/oauth/refresh; the answer has a new access token and no new refresh token.',
      source: DOC,
    },
    {
      why: 'Granular scopes: current_user:read for GET /v1/me; files:read is deprecated.',
      source: 'https://developers.figma.com/docs/rest-api/scopes/',
    },
    {
      why: 'Token errors are {error: true, status, message}, not RFC 6749; a bad API token answers 403.',
      source:
        'https://forum.figma.com/ask-the-community-7/unsure-how-to-fill-out-the-body-of-the-post-in-oauth2-0-33052',
    },
    {
      why: 'GET /v1/me has id (a stable id, sent as a string), handle, img_url and email, with no verification flag.',
      source: 'https://github.com/figma/rest-api-spec',
    },
    {
      why: 'Docs are silent on a revocation endpoint; the double serves none. Access tokens last 90 days.',
      source: DOC,
    },
  ],
};
