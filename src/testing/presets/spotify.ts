// Spotify's accounts service (OAuth 2.0) and `GET /v1/me`, as Spotify documents them.
import type { ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const DOCS = 'https://developer.spotify.com/documentation/web-api';

/** Spotify: PKCE, refresh tokens that may rotate, an unverified email, an `images` array. */
export const spotifyPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'spotify',
  name: 'Spotify',
  // Really accounts.spotify.com (authorize, token) and api.spotify.com (/v1/me).
  paths: { authorize: '/authorize', token: '/api/token', userinfo: '/v1/me' },
  clientAuth: ['client_secret_basic', 'client_secret_post', 'none'],
  pkce: 'optional',
  refresh: { issue: 'always', rotate: true },
  callbackIss: false,
  errorDescriptions: {
    bad_code: 'Invalid authorization code',
    bad_verifier: 'code_verifier was incorrect',
    bad_redirect_uri: 'Invalid redirect URI',
    bad_refresh_token: 'Invalid refresh token',
    refresh_token_reused: 'Invalid refresh token',
    bad_client: 'Invalid client secret',
  },
  unauthorized: { status: 401, body: { error: { status: 401, message: 'Invalid access token' } } },
  user(user, scopes) {
    const body: Record<string, unknown> = {
      id: user.id,
      display_name: user.name ?? null,
      images: user.avatarURL
        ? [
            { url: `${user.avatarURL}?size=64`, width: 64, height: 64 },
            { url: user.avatarURL, width: 300, height: 300 },
          ]
        : [],
      type: 'user',
      uri: `spotify:user:${user.id}`,
    };
    if (scopes.includes('user-read-email') && user.email != null) body.email = user.email;
    return { ...body, ...user.claims };
  },
  quirks: [
    {
      why: 'email (user-read-email) is "unverified; there is no proof that it actually belongs to the user"; there is no verified flag.',
      source: `${DOCS}/reference/get-current-users-profile`,
    },
    {
      why: 'images is an array of {url, width, height}; its order is not documented (the double lists the small one first).',
      source: `${DOCS}/reference/get-current-users-profile`,
    },
    {
      why: 'A refresh answer may carry a new refresh token (PKCE grants do); when it does not, keep the old one. The double always rotates.',
      source: `${DOCS}/tutorials/refreshing-tokens`,
    },
    {
      why: 'Refresh tokens expire six months after the user authorized (invalid_grant after that), whatever the refreshes.',
      source: 'https://developer.spotify.com/blog/2026-06-18-refresh-token-expiration',
    },
    {
      why: 'Web API errors are {"error": {"status", "message"}}, not RFC 6750; no revocation endpoint exists.',
      source: `${DOCS}/concepts/api-calls`,
    },
    {
      why: 'Redirect URIs must be https, or http to a loopback IP literal (127.0.0.1, [::1]); "localhost" is refused. The double does not check this.',
      source: `${DOCS}/concepts/redirect_uri`,
    },
  ],
};
