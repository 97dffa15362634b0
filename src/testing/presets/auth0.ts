// Auth0 (a tenant domain or its custom domain), as Auth0 documents it.
import type { ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const DOCS = 'https://auth0.com/docs';

/**
 * Auth0: issuer `https://{domain}/` WITH a trailing slash, `/authorize`, `/oauth/token`,
 * `/userinfo`, `/oauth/revoke`, `/.well-known/jwks.json`; refresh tokens only with
 * `offline_access`, rotating with automatic reuse detection.
 */
export const auth0Preset: ProviderPreset = {
  ...oidcPreset,
  id: 'auth0',
  name: 'Auth0',
  paths: {
    discovery: '/.well-known/openid-configuration',
    authorize: '/authorize',
    token: '/oauth/token',
    userinfo: '/userinfo',
    revoke: '/oauth/revoke',
    jwks: '/.well-known/jwks.json',
  },
  issuer: (origin, prefix) => `${origin}${prefix}/`,
  clientAuth: ['client_secret_post', 'client_secret_basic', 'private_key_jwt', 'none'],
  pkce: 'optional',
  accessTokenLifetime: 86400,
  refresh: {
    issue: (_authorize, scopes) => scopes.includes('offline_access'),
    rotate: true,
    reuseDetection: true,
    idToken: true,
  },
  callbackIss: false,
  errorDescriptions: {
    bad_code: 'Invalid authorization code',
    bad_verifier: 'Failed to verify code verifier',
    bad_refresh_token: 'Unknown or invalid refresh token.',
    bad_client: 'Unauthorized',
  },
  user: (user, scopes) => {
    const claims = oidcPreset.user(user, scopes);
    // Auth0's profile scope carries `nickname`, not `preferred_username`.
    if (typeof claims.preferred_username === 'string') claims.nickname = claims.preferred_username;
    delete claims.preferred_username;
    return { ...claims, ...user.claims };
  },
  quirks: [
    {
      why: 'The issuer is https://{domain}/ with a trailing slash (discovery and every ID token iss): a client that strips it fails every sign-in.',
      source: `${DOCS}/secure/tokens/id-tokens/validate-id-tokens`,
    },
    {
      why: 'Refresh tokens only with offline_access and "Allow Offline Access" on the API.',
      source: `${DOCS}/secure/tokens/refresh-tokens/get-refresh-tokens`,
    },
    {
      why: 'With rotation on, each refresh answers a new refresh token; reusing an old one revokes the whole family (the reuse interval leeway is not modelled).',
      source: `${DOCS}/secure/tokens/refresh-tokens/refresh-token-rotation`,
    },
    {
      why: 'audience selects the API the access token is for; without it the access token is only good for /userinfo.',
      source: `${DOCS}/get-started/applications/confidential-and-public-applications`,
    },
    {
      why: 'email_verified comes from the connection (a database verification email, or the social provider) and can be set through the Management API and Actions: admin-controlled.',
      source: `${DOCS}/manage-users/user-accounts/user-profiles/user-profile-structure`,
    },
  ],
};
