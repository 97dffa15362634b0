// Strava's OAuth 2.0 endpoints (www.strava.com), as Strava documents them.
import type { ProviderPreset, TestUser, TokenFailure } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const DOC = 'https://developers.strava.com/docs/authentication/';
const REFERENCE = 'https://developers.strava.com/docs/reference/';

/** The resource and field a Strava Fault names for each token endpoint failure. */
const FAULTS: Record<TokenFailure, [string, string]> = {
  bad_client: ['Application', 'client_id'],
  bad_code: ['AuthorizationCode', 'code'],
  bad_verifier: ['AuthorizationCode', 'code'],
  bad_redirect_uri: ['AuthorizationCode', 'code'],
  bad_refresh_token: ['RefreshToken', 'refresh_token'],
  refresh_token_reused: ['RefreshToken', 'refresh_token'],
  unsupported_grant_type: ['GrantType', 'grant_type'],
  bad_request: ['Request', 'request'],
};

/** A summary athlete; a numeric-looking test id becomes Strava's integer id. */
function athlete(user: TestUser): Record<string, unknown> {
  const [firstname = null, ...rest] = (user.name ?? '').split(' ').filter((s) => s !== '');
  return {
    id: /^[0-9]+$/.test(user.id) ? Number(user.id) : user.id,
    username: user.username ?? null,
    firstname,
    lastname: rest.length > 0 ? rest.join(' ') : null,
    profile: user.avatarURL ?? 'avatar/athlete/large.png',
    resource_state: 2,
    ...user.claims,
  };
}

/** Strava: comma scopes, the athlete in token answers, Fault errors, deauthorize. */
export const stravaPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'strava',
  name: 'Strava',
  paths: {
    authorize: '/oauth/authorize',
    token: '/oauth/token',
    userinfo: '/api/v3/athlete',
    revoke: '/oauth/deauthorize',
  },
  clientAuth: ['client_secret_post'],
  pkce: 'ignored',
  scopeSeparator: ',',
  accessTokenLifetime: 21_600,
  refresh: { issue: 'always', rotate: true },
  revocationWithoutClient: true,
  revocationParam: 'access_token',
  tokenError: (_error, _description, failure) => {
    const [resource, field] = FAULTS[failure];
    return {
      status: 400,
      body: { message: 'Bad Request', errors: [{ resource, field, code: 'invalid' }] },
    };
  },
  // `scope: undefined` drops the field: Strava's token answers do not list scopes.
  tokenExtras: (user) => ({
    scope: undefined,
    expires_at: Math.floor(Date.now() / 1000) + 21_600,
    athlete: athlete(user),
  }),
  unauthorized: {
    status: 401,
    body: {
      message: 'Authorization Error',
      errors: [{ resource: 'Athlete', field: 'access_token', code: 'invalid' }],
    },
  },
  user: (user) => athlete(user),
  quirks: [
    {
      why: 'Scopes are comma-separated (read,activity:read); the athlete may untick some, and only the callback scope parameter lists what was accepted.',
      source: DOC,
    },
    {
      why: 'Token answers carry no scope, but expires_at and a summary athlete (the double sends it on refreshes too; Strava documents it for the code exchange only).',
      source: `${DOC}#token-exchange`,
    },
    {
      why: 'Access tokens last 6 hours; a refresh may return a new refresh token and only the newest one is to be used (the double rotates).',
      source: `${DOC}#refreshing-expired-access-tokens`,
    },
    {
      why: 'approval_prompt=force shows the consent screen again; auto (default) skips it once authorized.',
      source: `${DOC}#details-about-requesting-access`,
    },
    {
      why: 'Deauthorization is POST /oauth/deauthorize with access_token, no client credentials (not RFC 7009); it ends every token of the app for the athlete.',
      source: `${DOC}#deauthorization`,
    },
    {
      why: 'Errors are Faults {message, errors: [{resource, field, code}]}, at the token endpoint too; the exact fault per token failure is not documented.',
      source: `${REFERENCE}#api-models-Fault`,
    },
    {
      why: 'Athlete ids are integers; username is often null; no email is returned.',
      source: `${REFERENCE}#api-Athletes-getLoggedInAthlete`,
    },
    {
      why: 'Strava does not document PKCE; the double ignores a challenge.',
      source: DOC,
    },
  ],
};
