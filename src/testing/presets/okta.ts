// Okta (org and custom authorization servers on an Okta domain), as Okta documents it.
import type { ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const DOCS = 'https://developer.okta.com/docs';

/**
 * Okta: one issuer per authorization server — `https://{domain}/oauth2/{id}` for a custom one
 * (`default` ships with every org), `https://{domain}` for the org one — each with its own
 * discovery document and keys. Refresh tokens only with `offline_access`.
 */
export const oktaPreset: ProviderPreset = {
  ...oidcPreset,
  id: 'okta',
  name: 'Okta',
  paths: {
    discovery: '/.well-known/openid-configuration',
    authorize: '/v1/authorize',
    token: '/v1/token',
    userinfo: '/v1/userinfo',
    revoke: '/v1/revoke',
    jwks: '/v1/keys',
  },
  // '' is the org authorization server, `/oauth2/{id}` a custom one.
  mount: /^(\/oauth2\/\w+)?$/,
  clientAuth: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
  pkce: 'optional',
  refresh: {
    issue: (_authorize, scopes) => scopes.includes('offline_access'),
    rotate: false,
    idToken: true,
  },
  callbackIss: false,
  errorDescriptions: {
    bad_code: 'The authorization code is invalid or has expired.',
    bad_verifier: 'PKCE verification failed.',
    bad_refresh_token: 'The refresh token is invalid or expired.',
    bad_client: "Invalid value for 'client_id' parameter.",
  },
  quirks: [
    {
      why: 'Custom authorization server issuer https://{domain}/oauth2/{id} ("default" in every org); the org server\'s is https://{domain}. Tokens of one are not valid for the other.',
      source: `${DOCS}/concepts/auth-servers/`,
    },
    {
      why: 'The org authorization server serves /oauth2/v1/*; the double serves it at /v1/* under the root (discovery names the paths either way).',
      source: `${DOCS}/reference/api/oidc/`,
    },
    {
      why: 'Refresh tokens only with offline_access (and the refresh_token grant on the app). Rotation is an app setting (persistent by default for web apps here); a rotated token stays valid for a grace period (0-60 s) that the double does not model.',
      source: `${DOCS}/guides/refresh-tokens/main/`,
    },
    {
      why: "email_verified reflects Okta's own record; org admins can create and edit users and their primary email, so it is an admin-controlled claim.",
      source: `${DOCS}/reference/api/oidc/#scope-dependent-claims-not-always-returned`,
    },
  ],
};
