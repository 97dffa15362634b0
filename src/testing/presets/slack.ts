// Slack's "Sign in with Slack" OpenID Connect endpoints (slack.com), as Slack documents them.
import type { PresetAnswer, ProviderPreset, TokenFailure } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const DOC = 'https://docs.slack.dev/authentication/sign-in-with-slack/';
const TOKEN_DOC = 'https://docs.slack.dev/reference/methods/openid.connect.token';
const USERINFO_DOC = 'https://docs.slack.dev/reference/methods/openid.connect.userInfo';

/** Slack's `error` codes for each failure of `openid.connect.token`. */
const SLACK_ERRORS: Record<TokenFailure, string> = {
  bad_client: 'bad_client_secret',
  bad_code: 'invalid_code',
  bad_verifier: 'invalid_code',
  bad_redirect_uri: 'bad_redirect_uri',
  bad_refresh_token: 'invalid_refresh_token',
  refresh_token_reused: 'invalid_refresh_token',
  unsupported_grant_type: 'invalid_grant_type',
  bad_request: 'invalid_arguments',
};

/** Every Web API error: HTTP 200 and `{ok: false, error}`. */
const slackError = (error: string): PresetAnswer => ({ status: 200, body: { ok: false, error } });

/** Slack: Web API methods as endpoints, HTTP 200 errors, workspace claims under `https://slack.com/`. */
export const slackPreset: ProviderPreset = {
  ...oidcPreset,
  id: 'slack',
  name: 'Slack',
  paths: {
    discovery: '/.well-known/openid-configuration',
    authorize: '/openid/connect/authorize',
    token: '/api/openid.connect.token',
    userinfo: '/api/openid.connect.userInfo',
    jwks: '/openid/connect/keys',
  },
  clientAuth: ['client_secret_post', 'client_secret_basic'],
  pkce: 'ignored',
  accessTokenLifetime: null,
  refresh: { issue: 'never', rotate: false },
  callbackIss: false,
  responseModes: [],
  metadata: { grant_types_supported: ['authorization_code'], claims_parameter_supported: false },
  tokenError: (_error, _description, failure) => slackError(SLACK_ERRORS[failure]),
  unauthorized: slackError('invalid_auth'),
  user(user, scopes) {
    return {
      'https://slack.com/user_id': user.id,
      'https://slack.com/team_id': 'T0DOUBLE1',
      ...oidcPreset.user(user, scopes),
    };
  },
  quirks: [
    {
      why: 'Web API errors are HTTP 200 with {"ok": false, "error": "invalid_code"}, also at openid.connect.token.',
      source: TOKEN_DOC,
    },
    {
      why: 'A dead token at openid.connect.userInfo is HTTP 200 {"ok": false, "error": "invalid_auth"}.',
      source: USERINFO_DOC,
    },
    {
      why: 'Workspace claims are namespaced: https://slack.com/team_id, team_name, team_domain, user_id.',
      source: USERINFO_DOC,
    },
    {
      why: 'The team authorization parameter only preselects a workspace; the team_id claim is the proof.',
      source: DOC,
    },
    {
      why: 'Tokens do not expire and no refresh token is issued unless the app turns on token rotation (then 12 h tokens and refresh tokens); the double models the default.',
      source: 'https://docs.slack.dev/authentication/using-token-rotation',
    },
    {
      why: 'Discovery lists no code_challenge_methods_supported; docs are silent on PKCE, so the double ignores it.',
      source: 'https://slack.com/.well-known/openid-configuration',
    },
    {
      why: 'Successful answers also carry "ok": true; the double leaves it out (its userinfo body is also the ID token claims).',
      source: USERINFO_DOC,
    },
  ],
};
