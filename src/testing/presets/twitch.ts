// Twitch's OpenID Connect endpoints (id.twitch.tv/oauth2), as Twitch documents them.
import { standardClaims, type ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const OIDC_DOC = 'https://dev.twitch.tv/docs/authentication/getting-tokens-oidc/';
const OAUTH_DOC = 'https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/';
const GATED = ['email', 'email_verified', 'picture', 'preferred_username', 'updated_at'];

/** The claim names a `claims` request parameter asks for (ID token and userinfo alike). */
function asked(claims: string | undefined): Set<string> {
  try {
    const parsed = JSON.parse(claims ?? '{}') as Record<string, unknown>;
    const names = [parsed.id_token, parsed.userinfo].flatMap((part) =>
      typeof part === 'object' && part !== null ? Object.keys(part) : [],
    );
    return new Set(names);
  } catch {
    return new Set();
  }
}

/** Twitch: claims only through `claims`, scope lists as JSON arrays, `{status, message}` errors. */
export const twitchPreset: ProviderPreset = {
  ...oidcPreset,
  id: 'twitch',
  name: 'Twitch',
  paths: {
    discovery: '/.well-known/openid-configuration',
    authorize: '/authorize',
    token: '/token',
    userinfo: '/userinfo',
    revoke: '/revoke',
    jwks: '/keys',
  },
  mount: /^\/oauth2$/,
  clientAuth: ['client_secret_post'],
  pkce: 'ignored',
  accessTokenLifetime: 14_124,
  refresh: { issue: 'always', rotate: true, idToken: false },
  revocationWithoutClient: 'client_id',
  callbackIss: false,
  responseModes: [],
  metadata: { revocation_endpoint: undefined, claims_parameter_supported: true },
  // The granted scopes as a JSON array, replacing the RFC's space-separated string.
  tokenExtras: (_user, scopes) => ({ scope: [...scopes] }),
  tokenError: (error, description, failure) => {
    const status = error === 'invalid_client' ? 403 : 400;
    const body: Record<string, unknown> = { status, message: description };
    if (failure === 'bad_refresh_token') body.error = 'Bad Request';
    return { status, body };
  },
  errorDescriptions: {
    bad_client: 'invalid client secret',
    bad_code: 'Invalid authorization code',
    bad_refresh_token: 'Invalid refresh token',
    refresh_token_reused: 'Invalid refresh token',
  },
  unauthorized: {
    status: 401,
    body: { error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' },
  },
  user(user, scopes, authorize) {
    const wanted = asked(authorize?.get('claims'));
    const released: Record<string, unknown> = {};
    for (const [claim, value] of Object.entries(standardClaims(user))) {
      const emailClaim = claim.startsWith('email');
      if (!GATED.includes(claim)) released[claim] = value;
      else if (wanted.has(claim) && (!emailClaim || scopes.includes('user:read:email')))
        released[claim] = value;
    }
    return released;
  },
  quirks: [
    {
      why: 'ID token and userinfo carry only sub (and protocol claims) unless the claims parameter asks for email, email_verified, picture, preferred_username, updated_at.',
      source: `${OIDC_DOC}#requesting-claims`,
    },
    {
      why: 'email and email_verified also need the user:read:email scope.',
      source: `${OIDC_DOC}#requesting-claims`,
    },
    {
      why: 'Token answers list scope as a JSON array (["openid", "user:read:email"]), not a string.',
      source: `${OAUTH_DOC}#authorization-code-grant-flow`,
    },
    {
      why: 'Errors are {status, message} (a refresh failure adds "error": "Bad Request"), not RFC 6749 error codes.',
      source: 'https://dev.twitch.tv/docs/authentication/refresh-tokens/',
    },
    {
      why: 'Revocation: POST /oauth2/revoke with client_id and token only (no secret); discovery does not list it.',
      source: 'https://dev.twitch.tv/docs/authentication/revoke-tokens/',
    },
    {
      why: 'Refresh answers carry a refresh token that "may change": store the new one (the double rotates).',
      source: 'https://dev.twitch.tv/docs/authentication/refresh-tokens/',
    },
    {
      why: 'Docs are silent on PKCE for the code flow (the double ignores it) and on the userinfo error body (the double answers 401 {error, status, message}); revoking an unknown token is 400 at Twitch, 200 here.',
      source: OIDC_DOC,
    },
  ],
};
