// Keycloak (a self-hosted server, one issuer per realm), as Keycloak documents it.
import type { ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const DOCS = 'https://www.keycloak.org';

/**
 * Keycloak: issuer `{base}/realms/{realm}` (`{base}/auth/realms/{realm}` before Keycloak 17),
 * endpoints under `/protocol/openid-connect/`; a refresh token on every code exchange, a new one
 * on every refresh; RFC 7009 revocation.
 */
export const keycloakPreset: ProviderPreset = {
  ...oidcPreset,
  id: 'keycloak',
  name: 'Keycloak',
  paths: {
    discovery: '/.well-known/openid-configuration',
    authorize: '/protocol/openid-connect/auth',
    token: '/protocol/openid-connect/token',
    userinfo: '/protocol/openid-connect/userinfo',
    revoke: '/protocol/openid-connect/revoke',
    jwks: '/protocol/openid-connect/certs',
  },
  mount: /^(\/auth)?\/realms\/[^/]+$/,
  clientAuth: [
    'client_secret_basic',
    'client_secret_post',
    'client_secret_jwt',
    'private_key_jwt',
    'none',
  ],
  pkce: 'optional',
  pkceMethods: ['S256', 'plain'],
  accessTokenLifetime: 300,
  refresh: { issue: 'always', rotate: true, idToken: true },
  callbackIss: true,
  errorDescriptions: {
    bad_code: 'Code not valid',
    bad_verifier: 'PKCE verification failed: Code mismatch',
    bad_refresh_token: 'Token is not active',
    bad_client: 'Invalid client or Invalid client credentials',
  },
  quirks: [
    {
      why: 'Issuer {base}/realms/{realm}; Keycloak 16 and older (and --http-relative-path=/auth) serve it under /auth/realms/{realm}.',
      source: `${DOCS}/securing-apps/oidc-layers`,
    },
    {
      why: 'Access tokens live 5 minutes by default; a refresh token comes with every code exchange, offline_access asks for an offline token instead.',
      source: `${DOCS}/docs/latest/server_admin/#_timeouts`,
    },
    {
      why: 'Every refresh answers a new refresh token. The old one stays valid unless the realm sets "Revoke Refresh Token"; the double treats it as spent.',
      source: `${DOCS}/docs/latest/server_admin/#_timeouts`,
    },
    {
      why: 'RP-initiated logout at /protocol/openid-connect/logout and RFC 7009 revocation at /protocol/openid-connect/revoke, both in discovery; the double serves no logout page.',
      source: `${DOCS}/securing-apps/oidc-layers`,
    },
    {
      why: 'Since Keycloak 25 sub is added by the "basic" client scope: a client without it gets ID tokens without sub, which fail validation.',
      source: `${DOCS}/docs/latest/upgrading/#new-default-client-scope-basic`,
    },
    {
      why: 'email_verified is the user\'s "Email verified" flag: set by the verify-email action, by realm admins, or by an identity broker with "Trust Email". Admin-controlled.',
      source: `${DOCS}/docs/latest/server_admin/#proc-creating-user_server_administration_guide`,
    },
  ],
};
