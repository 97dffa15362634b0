// Dropbox: authorization at www.dropbox.com, tokens and RPC routes at api.dropboxapi.com (both
// served by one double), as Dropbox documents them.
import type { ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const GUIDE = 'https://developers.dropbox.com/oauth-guide';
const HTTP = 'https://www.dropbox.com/developers/documentation/http/documentation';

/** Dropbox: refresh tokens only with `token_access_type=offline`, never rotated; bearer revocation. */
export const dropboxPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'dropbox',
  name: 'Dropbox',
  paths: {
    authorize: '/oauth2/authorize',
    token: '/oauth2/token',
    userinfo: '/2/users/get_current_account',
    revoke: '/2/auth/token/revoke',
  },
  revocation: 'bearer',
  clientAuth: ['client_secret_basic', 'client_secret_post', 'none'],
  pkce: 'optional',
  pkceMethods: ['S256', 'plain'],
  tokenType: 'bearer',
  accessTokenLifetime: 14_400,
  refresh: {
    issue: (authorize) => authorize.get('token_access_type') === 'offline',
    rotate: false,
  },
  tokenExtras: (user) => ({ account_id: user.id, uid: '12345' }),
  errorDescriptions: { bad_code: "code doesn't exist or has expired" },
  unauthorized: {
    status: 401,
    body: { error_summary: 'invalid_access_token/..', error: { '.tag': 'invalid_access_token' } },
  },
  user(user) {
    const display = user.name ?? user.username ?? 'Dropbox user';
    return {
      account_id: user.id,
      name: {
        given_name: display.split(' ')[0],
        surname: display.split(' ').slice(1).join(' '),
        familiar_name: display.split(' ')[0],
        display_name: display,
        abbreviated_name: display.slice(0, 1),
      },
      email: user.email ?? '',
      email_verified: user.emailVerified ?? false,
      disabled: false,
      locale: 'en',
      account_type: { '.tag': 'basic' },
      ...(user.avatarURL == null ? {} : { profile_photo_url: user.avatarURL }),
      ...user.claims,
    };
  },
  quirks: [
    {
      why: 'Access tokens are short-lived (four hours); a refresh token only with token_access_type=offline, and a refresh never rotates it.',
      source: 'https://dropbox.tech/developers/using-oauth-2-0-with-offline-access',
    },
    {
      why: 'users/get_current_account is a POST without a body; email must not be relied on without email_verified.',
      source: `${HTTP}#users-get_current_account`,
    },
    {
      why: 'Revocation is POST /2/auth/token/revoke with the access token as bearer: it also disables its refresh token.',
      source: `${HTTP}#auth-token-revoke`,
    },
    {
      why: 'PKCE (S256 or plain) lets an app without a secret exchange codes and refresh.',
      source: GUIDE,
    },
    {
      why: 'API errors are {error_summary, error: {.tag}}, not RFC 6750.',
      source: `${HTTP}#error-handling`,
    },
  ],
};
