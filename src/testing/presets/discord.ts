// Discord's OAuth 2.0 endpoints (plain OAuth 2.0, no ID token), as Discord documents them.
import type { ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const DOC = 'https://discord.com/developers/docs/topics/oauth2';

/** Discord: `GET /api/users/@me` with snowflake string ids, rotating refresh tokens, RFC 9207 `iss`. */
export const discordPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'discord',
  name: 'Discord',
  paths: {
    authorize: '/oauth2/authorize',
    token: '/api/oauth2/token',
    userinfo: '/api/users/@me',
    revoke: '/api/oauth2/token/revoke',
  },
  pkce: 'optional',
  accessTokenLifetime: 604_800,
  refresh: { issue: 'always', rotate: true },
  callbackIss: true,
  errorDescriptions: {
    bad_code: 'Invalid "code" in request.',
    bad_verifier: 'Invalid "code_verifier"',
  },
  unauthorized: { status: 401, body: { message: '401: Unauthorized', code: 0 } },
  user(user, scopes) {
    const body: Record<string, unknown> = {
      id: user.id,
      username: user.username ?? user.id,
      global_name: user.name ?? null,
      discriminator: '0',
      avatar: null,
    };
    // `email` and `verified` only with the email scope.
    if (scopes.includes('email')) {
      body.email = user.email ?? null;
      body.verified = user.emailVerified ?? false;
    }
    const extra = { ...user.claims };
    if (!scopes.includes('email')) for (const field of ['email', 'verified']) delete extra[field];
    return { ...body, ...extra };
  },
  quirks: [
    {
      why: 'Ids are 64-bit snowflakes sent as strings (they do not fit a JS number).',
      source: 'https://discord.com/developers/docs/reference#snowflakes',
    },
    {
      why: 'email and verified only with the email scope; email alone proves nothing.',
      source: 'https://discord.com/developers/docs/resources/user#user-object',
    },
    {
      why: 'Refresh answers carry a new refresh token; the old one stops working.',
      source: `${DOC}#authorization-code-grant-refresh-token-exchange-example`,
    },
    {
      why: 'Its metadata announces RFC 9207 iss (issuer https://discord.com).',
      source: 'https://discord.com/.well-known/oauth-authorization-server',
    },
    {
      why: 'API errors are {message, code}, not RFC 6750 (401: Unauthorized, code 0).',
      source: 'https://discord.com/developers/docs/topics/opcodes-and-status-codes#json',
    },
  ],
};
