// Patreon's OAuth 2.0 endpoints and API v2 identity (www.patreon.com), as Patreon documents them.
import type { ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const DOC = 'https://docs.patreon.com/';

/** Patreon: JSON:API identity, `identity[email]`, `is_email_verified`, no revocation. */
export const patreonPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'patreon',
  name: 'Patreon',
  paths: {
    authorize: '/oauth2/authorize',
    token: '/api/oauth2/token',
    userinfo: '/api/oauth2/v2/identity',
  },
  clientAuth: ['client_secret_post'],
  pkce: 'ignored',
  accessTokenLifetime: 2_678_400,
  refresh: { issue: 'always', rotate: true },
  unauthorized: {
    status: 401,
    body: {
      errors: [
        {
          code: 1,
          code_name: 'Unauthorized',
          detail:
            'The server could not verify that you are authorized to access the URL requested.',
          status: '401',
          title: 'Unauthorized',
        },
      ],
    },
  },
  user(user, scopes) {
    const attributes: Record<string, unknown> = {
      full_name: user.name ?? '',
      image_url: user.avatarURL ?? null,
      vanity: user.username ?? null,
    };
    // email and is_email_verified only with identity[email].
    if (scopes.includes('identity[email]')) {
      attributes.email = user.email ?? null;
      attributes.is_email_verified = user.emailVerified ?? false;
    }
    const data = { id: user.id, type: 'user', attributes, ...user.claims };
    return { data, links: { self: `https://www.patreon.com/api/oauth2/v2/user/${user.id}` } };
  },
  quirks: [
    {
      why: 'The identity is JSON:API: {data: {id, type: "user", attributes: {...}}}; ids are numeric strings.',
      source: `${DOC}#get-api-oauth2-v2-identity`,
    },
    {
      why: 'Attributes come only when named in fields[user]; the double returns them all.',
      source: `${DOC}#apiv2-oauth`,
    },
    {
      why: 'email needs the identity[email] scope; is_email_verified says whether Patreon verified it.',
      source: `${DOC}#user-v2`,
    },
    {
      why: 'Refresh answers carry a new refresh token; whether the old one keeps working is not stated, so the double rotates (the strict case).',
      source: `${DOC}#step-7-keeping-up-to-date`,
    },
    {
      why: 'Token and API errors: the OAuth endpoints answer RFC 6749 errors; API errors are JSON:API {errors: [{code, code_name, detail, status, title}]}.',
      source: `${DOC}#errors`,
    },
    {
      why: 'No revocation endpoint and no PKCE are documented.',
      source: `${DOC}#oauth`,
    },
  ],
};
