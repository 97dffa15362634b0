// A generic OAuth 2.0 server by the RFCs: the base other plain OAuth 2.0 presets spread.
import { standardClaims, type ProviderPreset } from '../preset.ts';

/**
 * Plain OAuth 2.0 (RFC 6749, RFC 7009, RFC 7636, RFC 9207): JSON answers, RFC error shapes,
 * PKCE checked when sent, refresh tokens always, without rotation; the profile is OIDC-shaped.
 */
export const oauth2Preset: ProviderPreset = {
  id: 'oauth2',
  name: 'OAuth 2.0',
  paths: { authorize: '/authorize', token: '/token', userinfo: '/userinfo', revoke: '/revoke' },
  clientAuth: ['client_secret_basic', 'client_secret_post', 'none'],
  pkce: 'optional',
  scopeSeparator: ' ',
  tokenResponse: 'json',
  refresh: { issue: 'always', rotate: false },
  callbackIss: false,
  user: (user) => standardClaims(user),
  quirks: [],
};
