// Zoom's OAuth 2.0 endpoints (zoom.us) and user API (api.zoom.us), as Zoom documents them.
import type { ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const OAUTH = 'https://developers.zoom.us/docs/integrations/oauth/';
const USERS = 'https://developers.zoom.us/docs/api/users/#tag/users/GET/users/{userId}';

/** Zoom: Basic auth, PKCE (S256 or plain), rotating refresh tokens, `verified` as 0/1. */
export const zoomPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'zoom',
  name: 'Zoom',
  paths: {
    authorize: '/oauth/authorize',
    token: '/oauth/token',
    userinfo: '/v2/users/me',
    revoke: '/oauth/revoke',
  },
  clientAuth: ['client_secret_basic'],
  pkce: 'optional',
  pkceMethods: ['S256', 'plain'],
  accessTokenLifetime: 3599,
  refresh: { issue: 'always', rotate: true },
  // Zoom's token errors name the cause in `reason`, not `error_description`.
  tokenError: (error, description) => ({
    status: error === 'invalid_client' ? 401 : 400,
    body: { reason: description, error },
  }),
  errorDescriptions: {
    bad_code: 'Invalid authorization code',
    bad_refresh_token: 'Invalid Token!',
    refresh_token_reused: 'Invalid Token!',
    bad_client: 'Invalid client_id or client_secret',
  },
  unauthorized: { status: 401, body: { code: 124, message: 'Invalid access token.' } },
  user(user) {
    const [first_name = '', ...last] = (user.name ?? '').split(' ');
    return {
      id: user.id,
      first_name,
      last_name: last.join(' '),
      display_name: user.name ?? '',
      email: user.email ?? '',
      verified: user.emailVerified ? 1 : 0,
      pic_url: user.avatarURL ?? '',
      type: 1,
      account_id: 'double-account',
      ...user.claims,
    };
  },
  quirks: [
    {
      why: 'Token and revocation requests authenticate with HTTP Basic (client id and secret).',
      source: OAUTH,
    },
    {
      why: 'PKCE is supported: code_challenge_method S256 or plain (plain when absent).',
      source: `${OAUTH}#using-pkce`,
    },
    {
      why: 'Every refresh returns a new refresh token; an earlier one answers "Invalid Token!". Refresh tokens are long-lived (Zoom support: 15 years).',
      source:
        'https://devsupport.zoom.us/hc/en-us/articles/360060332931-Extending-the-expiration-for-an-OAuth-access-token',
    },
    {
      why: 'Token errors are {reason, error}, without error_description.',
      source: OAUTH,
    },
    {
      why: 'verified is the number 1 (email verified) or 0, not a boolean; email, display_name, pic_url may be empty strings.',
      source: USERS,
    },
    {
      why: 'API errors are {code, message} (124 "Invalid access token." with 401).',
      source: 'https://developers.zoom.us/docs/api/rest/error-definitions/',
    },
    {
      why: 'Scopes are set on the app in the Marketplace; the authorization URL needs none. Revocation answers {"status": "success"}; the double answers {}.',
      source: OAUTH,
    },
  ],
};
