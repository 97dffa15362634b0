// authentik's OAuth2/OpenID provider (self-hosted), as authentik documents it.
import type { ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const DOCS = 'https://docs.goauthentik.io/add-secure-apps/providers';

/**
 * authentik: issuer `{base}/application/o/{slug}/` (trailing slash), discovery and JWKS under
 * it; refresh tokens only with `offline_access`; `email_verified` false unless a mapping says so.
 */
export const authentikPreset: ProviderPreset = {
  ...oidcPreset,
  id: 'authentik',
  name: 'authentik',
  paths: {
    discovery: '/.well-known/openid-configuration',
    jwks: '/jwks/',
    // Really /application/o/authorize/ etc. for every application; served under the slug here.
    authorize: '/authorize/',
    token: '/token/',
    userinfo: '/userinfo/',
    revoke: '/revoke/',
  },
  mount: /^\/application\/o\/[\w-]+$/,
  issuer: (origin, prefix) => `${origin}${prefix}/`,
  clientAuth: ['client_secret_basic', 'client_secret_post', 'none'],
  pkce: 'optional',
  pkceMethods: ['S256', 'plain'],
  refresh: {
    issue: (_authorize, scopes) => scopes.includes('offline_access'),
    rotate: true,
    idToken: true,
  },
  callbackIss: false,
  quirks: [
    {
      why: 'Issuer {base}/application/o/{slug}/ with a trailing slash (per-provider issuer mode, the default); discovery and JWKS under it.',
      source: `${DOCS}/oauth2/`,
    },
    {
      why: 'authorize, token, userinfo and revoke are shared by every application at /application/o/*/; the double serves them under the slug (discovery names them either way).',
      source: `${DOCS}/oauth2/`,
    },
    {
      why: 'A refresh token only with the offline_access scope. Whether the old refresh token dies on refresh is not documented; the double rotates.',
      source: `${DOCS}/oauth2/#refresh_token`,
    },
    {
      why: 'Since 2025.10 the default email scope mapping sends email_verified false; before, it sent true for every user. A custom mapping decides: admin-controlled.',
      source: `${DOCS}/oauth2/verify-email-address/`,
    },
    {
      why: "sub follows the provider's Subject mode (hashed user id by default; username or email modes make it mutable).",
      source: `${DOCS}/oauth2/`,
    },
  ],
};
