// Reddit's OAuth 2.0 (www.reddit.com/api/v1) and `GET oauth.reddit.com/api/v1/me`, as Reddit
// documents them.
import type { PresetAnswer, ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const WIKI = 'https://github.com/reddit-archive/reddit/wiki/OAuth2';
const RULES = 'https://github.com/reddit-archive/reddit/wiki/API';
/** Default agents Reddit names as "drastically limited", and others of their kind. */
const GENERIC = /^(node|undici|python|java|curl|wget|okhttp|go-http-client|axios|mozilla)\b/i;

const throttled: PresetAnswer = { status: 429, body: { message: 'Too Many Requests', error: 429 } };

/** Reddit: User-Agent rules, HTTP 200 token errors, `duration=permanent` refresh tokens. */
export const redditPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'reddit',
  name: 'Reddit',
  // Really www.reddit.com (authorize, token, revocation) and oauth.reddit.com (/api/v1/me).
  paths: {
    authorize: '/api/v1/authorize',
    token: '/api/v1/access_token',
    userinfo: '/api/v1/me',
    revoke: '/api/v1/revoke_token',
  },
  clientAuth: ['client_secret_basic'],
  pkce: 'ignored',
  tokenType: 'bearer',
  refresh: { issue: (authorize) => authorize.get('duration') === 'permanent', rotate: true },
  callbackIss: false,
  // A missing or generic User-Agent is throttled (the browser's own visit to authorize aside).
  screen: ({ endpoint, headers }) => {
    if (endpoint === 'authorize') return null;
    const agent = headers['user-agent'];
    return typeof agent !== 'string' || agent.trim() === '' || GENERIC.test(agent)
      ? throttled
      : null;
  },
  // Token errors: HTTP 200 with an `error` body; bad client credentials: a bare 401.
  tokenError: (error) =>
    error === 'invalid_client'
      ? { status: 401, body: { message: 'Unauthorized', error: 401 } }
      : { status: 200, body: { error } },
  unauthorized: { status: 401, body: { message: 'Unauthorized', error: 401 } },
  user(user) {
    const icon = user.avatarURL ?? 'https://www.redditstatic.example/avatars/default.png';
    return {
      id: user.id,
      name: user.username ?? user.id,
      // Legacy response encoding: `&` in URLs arrives as `&amp;`.
      icon_img: `${icon}?width=256&amp;height=256`,
      subreddit: { title: user.name ?? '' },
      ...user.claims,
    };
  },
  quirks: [
    {
      why: 'Every request needs a unique, descriptive User-Agent ("<platform>:<app ID>:<version> (by /u/<username>)"); default agents are drastically limited. The double answers 429 to a missing or generic one.',
      source: RULES,
    },
    {
      why: 'Token errors (invalid_grant...) come with HTTP 200 and {"error": ...}; missing or wrong client credentials get a 401.',
      source: WIKI,
    },
    {
      why: 'A refresh token only with duration=permanent; access tokens last one hour.',
      source: WIKI,
    },
    {
      why: 'Since 2021 a refresh answer carries a new refresh token; Reddit announced the old one would later stop working (when is not documented).',
      source: 'https://www.reddit.com/r/redditdev/comments/kvzaot/oauth2_api_changes_upcoming/',
    },
    {
      why: 'Client authentication is HTTP Basic only; revocation is POST /api/v1/revoke_token (answers 204; the double 200).',
      source: WIKI,
    },
    {
      why: 'No email in any scope; /api/v1/me (identity) gives the base-36 id, the name and an HTML-escaped icon_img.',
      source: 'https://www.reddit.com/dev/api#GET_api_v1_me',
    },
    {
      why: 'Docs disagree on the scope separator (comma in old examples, space elsewhere); the double takes spaces.',
      source: WIKI,
    },
  ],
};
