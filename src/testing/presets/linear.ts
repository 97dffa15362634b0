// Linear: OAuth 2.0 at linear.app/oauth and api.linear.app/oauth, the user through GraphQL
// (both hosts served by one double), as Linear documents them.
import type { ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const DOC = 'https://linear.app/developers/oauth-2-0-authentication';

/** Linear: comma-separated scopes, `scope` as an array, 24-hour tokens, rotating refresh. */
export const linearPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'linear',
  name: 'Linear',
  paths: {
    authorize: '/oauth/authorize',
    token: '/oauth/token',
    userinfo: '/graphql',
    revoke: '/oauth/revoke',
  },
  clientAuth: ['client_secret_post', 'client_secret_basic', 'none'],
  pkce: 'optional',
  pkceMethods: ['S256', 'plain'],
  scopeSeparator: ',',
  defaultScopes: ['read'],
  accessTokenLifetime: 86_399,
  refresh: { issue: 'always', rotate: true },
  // The documented answer lists the granted scopes as a JSON array.
  tokenExtras: (_user, scopes) => ({ scope: scopes }),
  unauthorized: {
    status: 401,
    body: {
      errors: [
        {
          message: 'Authentication required, not authenticated',
          extensions: { type: 'authentication error', code: 'AUTHENTICATION_ERROR' },
        },
      ],
    },
  },
  user: (user) => ({
    data: {
      viewer: {
        id: user.id,
        name: user.name ?? null,
        displayName: user.username ?? null,
        email: user.email ?? null,
        avatarUrl: user.avatarURL ?? null,
        ...user.claims,
      },
    },
  }),
  quirks: [
    {
      why: 'The scope parameter is a comma-separated list (read,write); read is always granted.',
      source: DOC,
    },
    {
      why: 'The token answer example shows scope as a JSON array, not a string.',
      source: DOC,
    },
    {
      why: 'Refresh tokens for every app since April 1, 2026: access tokens last 24 hours and each refresh returns a new refresh token.',
      source: DOC,
    },
    {
      why: 'PKCE with S256 or plain; the client secret in the form body.',
      source: DOC,
    },
    {
      why: 'The user is the GraphQL viewer (POST /graphql); GraphQL errors come as {errors: [...]}.',
      source: 'https://linear.app/developers/graphql',
    },
    {
      why: 'Docs describe revocation at POST https://api.linear.app/oauth/revoke; the double takes RFC 7009 requests there (whether the bearer-only form still works was not checked).',
      source: DOC,
    },
  ],
};
