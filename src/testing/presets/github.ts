// GitHub's OAuth App web flow for the configurable double. The full GitHub double
// (`startGitHubDouble`: GitHub Apps, device flow, /applications API) keeps more detail.
import { githubTokenError } from '../github-double-token.ts';
import type { ProviderPreset, TestUser, TokenFailure } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const DOC = 'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps';

// GitHub's own error codes for the double's failures.
const CODES: Record<TokenFailure, string> = {
  bad_client: 'incorrect_client_credentials',
  bad_code: 'bad_verification_code',
  bad_verifier: 'bad_verification_code',
  bad_redirect_uri: 'redirect_uri_mismatch',
  bad_refresh_token: 'bad_refresh_token',
  refresh_token_reused: 'bad_refresh_token',
  unsupported_grant_type: 'unsupported_grant_type',
  bad_request: 'incorrect_client_credentials',
};

const REST = 'https://docs.github.com/rest';

function githubEmail(user: TestUser): Record<string, unknown> {
  return {
    email: user.email,
    primary: true,
    verified: user.emailVerified ?? false,
    visibility: 'private',
  };
}

/** GitHub (OAuth Apps): HTTP 200 errors, form answers unless JSON is asked, comma scopes. */
export const githubPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'github',
  name: 'GitHub',
  paths: {
    authorize: '/login/oauth/authorize',
    token: '/login/oauth/access_token',
    userinfo: '/user',
  },
  issuer: (origin, prefix) => `${origin}${prefix}/login/oauth`,
  clientAuth: ['client_secret_basic', 'client_secret_post'],
  scopeSeparator: ',',
  tokenResponse: 'accept',
  tokenType: 'bearer',
  accessTokenLifetime: null,
  refresh: { issue: 'never', rotate: false },
  callbackIss: true,
  tokenError: (_error, _description, failure) => ({
    status: 200,
    body: githubTokenError(CODES[failure]),
  }),
  unauthorized: {
    status: 401,
    body: { message: 'Bad credentials', documentation_url: REST, status: '401' },
  },
  user: (user) => ({
    login: user.username ?? user.id,
    id: /^\d+$/.test(user.id) ? Number(user.id) : user.id,
    avatar_url: user.avatarURL ?? null,
    type: 'User',
    name: user.name ?? null,
    email: null, // the public email; only /user/emails says what is verified
    ...user.claims,
  }),
  resources: {
    // Only /user/emails says whether an address is verified; it needs `user:email` (or `user`).
    '/user/emails': (user, scopes) =>
      scopes.includes('user:email') || scopes.includes('user')
        ? { status: 200, body: user.email == null ? [] : [githubEmail(user)] }
        : { status: 404, body: { message: 'Not Found', documentation_url: REST, status: '404' } },
  },
  quirks: [
    {
      why: 'Token endpoint errors are HTTP 200 with an error body.',
      source:
        'https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors',
    },
    {
      why: 'Answers are form-encoded unless Accept asks for JSON.',
      source: `${DOC}#2-users-are-redirected-back-to-your-site-by-github`,
    },
    {
      why: 'Granted scopes come back comma-separated.',
      source: `${DOC}#2-users-are-redirected-back-to-your-site-by-github`,
    },
    { why: 'OAuth App tokens do not expire and have no refresh token.', source: DOC },
    {
      why: 'The user id is a number; only /user/emails says whether an address is verified.',
      source: 'https://docs.github.com/en/rest/users/emails',
    },
  ],
};
