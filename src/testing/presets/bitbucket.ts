// Bitbucket Cloud: OAuth 2.0 at bitbucket.org/site/oauth2, REST at api.bitbucket.org/2.0 (both
// served by one double), as Atlassian documents them.
import type { PresetAnswer, ProviderPreset, TestUser } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const OAUTH = 'https://developer.atlassian.com/cloud/bitbucket/oauth-2/';
const USERS = 'https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/';

/** `GET /2.0/user/emails`: `claims.emails` when a test gives one, else the user's one address. */
function emails(user: TestUser, scopes: readonly string[]): PresetAnswer {
  if (!scopes.includes('email')) {
    return { status: 403, body: { type: 'error', error: { message: 'Access denied.' } } };
  }
  const given = user.claims?.emails;
  const own =
    user.email == null
      ? []
      : [
          {
            type: 'email',
            email: user.email,
            is_primary: true,
            is_confirmed: !!user.emailVerified,
          },
        ];
  const values = Array.isArray(given) ? given : own;
  return { status: 200, body: { pagelen: 100, page: 1, size: values.length, values } };
}

/** Bitbucket: braced UUIDs, emails only from `/user/emails`, `scopes` (plural) in token answers. */
export const bitbucketPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'bitbucket',
  name: 'Bitbucket',
  paths: {
    authorize: '/site/oauth2/authorize',
    token: '/site/oauth2/access_token',
    userinfo: '/2.0/user',
  },
  clientAuth: ['client_secret_basic', 'client_secret_post'],
  pkce: 'optional',
  tokenType: 'bearer',
  accessTokenLifetime: 7200,
  refresh: { issue: 'always', rotate: false },
  // Bitbucket names the granted scopes `scopes`, not `scope`, and echoes the grant type as `state`.
  tokenExtras: (_user, scopes) => ({
    scope: undefined,
    scopes: scopes.join(' '),
    state: 'authorization_code',
  }),
  unauthorized: {
    status: 401,
    body: { type: 'error', error: { message: 'Access token expired.' } },
  },
  user(user) {
    const { emails: _list, ...claims } = user.claims ?? {};
    return {
      type: 'user',
      uuid: user.id,
      account_id: '557058:1d6a8e7c-0f1a-4d3b-9c0e-2b7f5a1e9d44',
      display_name: user.name ?? user.username ?? 'Bitbucket user',
      nickname: user.username ?? null,
      links: {
        avatar: { href: user.avatarURL ?? 'https://avatar-management.example/default.png' },
      },
      created_on: '2019-04-24T10:00:00.000000+00:00',
      ...claims,
    };
  },
  resources: { '/2.0/user/emails': emails },
  quirks: [
    {
      why: 'uuid is a UUID wrapped in braces; account_id is the Atlassian account id.',
      source: USERS,
    },
    {
      why: '/2.0/user carries no email; /2.0/user/emails lists confirmed and unconfirmed addresses with is_primary and is_confirmed, and needs the email scope.',
      source: USERS,
    },
    {
      why: 'Token answers name the granted scopes in `scopes`, not RFC 6749 `scope`.',
      source: OAUTH,
    },
    {
      why: 'Access tokens last two hours; every code exchange returns a refresh token. Docs are silent on rotation: the double keeps the refresh token.',
      source: OAUTH,
    },
    {
      why: 'Docs are silent on PKCE and list no revocation endpoint; the double checks PKCE when sent.',
      source: OAUTH,
    },
  ],
};
