// TikTok's Login Kit v2 endpoints (www.tiktok.com and open.tiktokapis.com), as TikTok documents them.
import type { ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const TOKENS = 'https://developers.tiktok.com/doc/oauth-user-access-token-management';
const WEB = 'https://developers.tiktok.com/doc/login-kit-web';
const LOG_ID = '20260101000000DOUBLE0000000000000';

/** TikTok: `client_key`, comma scopes, hex PKCE challenges, `{data, error}` API answers. */
export const tiktokPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'tiktok',
  name: 'TikTok',
  paths: {
    authorize: '/v2/auth/authorize/',
    token: '/v2/oauth/token/',
    userinfo: '/v2/user/info/',
    revoke: '/v2/oauth/revoke/',
  },
  clientIdParam: 'client_key',
  clientAuth: ['client_secret_post'],
  pkce: 'optional',
  pkceChallengeEncoding: 'hex',
  scopeSeparator: ',',
  accessTokenLifetime: 86_400,
  refresh: { issue: 'always', rotate: true },
  tokenError: (error, description) => ({
    status: 200,
    body: { error, error_description: description, log_id: LOG_ID },
  }),
  tokenExtras: (user) => ({ open_id: user.id, refresh_expires_in: 31_536_000 }),
  unauthorized: {
    status: 401,
    body: {
      error: {
        code: 'access_token_invalid',
        message: 'The access token is invalid or not found in the request.',
        log_id: LOG_ID,
      },
    },
  },
  user: (user) => ({
    data: {
      user: {
        open_id: user.id,
        union_id: `union-${user.id}`,
        avatar_url: user.avatarURL ?? null,
        display_name: user.name ?? null,
        ...user.claims,
      },
    },
    error: { code: 'ok', message: '', log_id: LOG_ID },
  }),
  quirks: [
    {
      why: 'The client is client_key, not client_id, on the authorization URL and in token and revocation requests.',
      source: WEB,
    },
    {
      why: 'Scopes are comma-separated in the request and in the token answer (user.info.basic,video.list).',
      source: TOKENS,
    },
    {
      why: 'PKCE is required for desktop apps and the S256 challenge is the SHA-256 digest hex-encoded, not base64url; the web guide does not mention PKCE (the double checks a challenge when sent).',
      source: 'https://developers.tiktok.com/doc/login-kit-desktop',
    },
    {
      why: 'Token answers carry open_id and refresh_expires_in (365 days); access tokens last 24 hours. Refresh answers carry refresh_token and refresh_expires_in too; whether the value changes and the old one dies is not stated, so the double rotates (the strict case).',
      source: TOKENS,
    },
    {
      why: 'OAuth errors are {error, error_description, log_id}; the docs do not give their HTTP status, so the double answers 200 (the case a client must survive).',
      source: 'https://developers.tiktok.com/doc/oauth-error-handling',
    },
    {
      why: 'API answers are {data, error: {code, message, log_id}}; code "ok" is success, access_token_invalid comes with 401.',
      source: 'https://developers.tiktok.com/doc/tiktok-api-v2-error-handling',
    },
    {
      why: 'GET /v2/user/info/ needs a fields query; open_id is per app, union_id per developer; no email exists.',
      source: 'https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info',
    },
    {
      why: 'Revocation is POST /v2/oauth/revoke/ with client_key, client_secret and token.',
      source: TOKENS,
    },
  ],
};
