// Google's OpenID Connect endpoints (accounts.google.com), as Google documents them.
import type { ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const OIDC_DOC = 'https://developers.google.com/identity/openid-connect/openid-connect';
const WEB_DOC = 'https://developers.google.com/identity/protocols/oauth2/web-server';

/** Google: refresh tokens only with `access_type=offline`, never rotated; `hd` and `email_verified`. */
export const googlePreset: ProviderPreset = {
  ...oidcPreset,
  id: 'google',
  name: 'Google',
  paths: {
    discovery: '/.well-known/openid-configuration',
    authorize: '/o/oauth2/v2/auth',
    token: '/token',
    userinfo: '/v1/userinfo',
    revoke: '/revoke',
    jwks: '/oauth2/v3/certs',
  },
  clientAuth: ['client_secret_post', 'client_secret_basic'],
  pkceMethods: ['S256', 'plain'],
  accessTokenLifetime: 3599,
  refresh: {
    issue: (authorize) => authorize.get('access_type') === 'offline',
    rotate: false,
    idToken: true,
  },
  revocationWithoutClient: true,
  // Google does not send RFC 9207 `iss` on the redirect (its discovery does not announce it).
  callbackIss: false,
  errorDescriptions: {
    bad_code: 'Malformed auth code.',
    bad_verifier: 'Invalid code verifier.',
    bad_refresh_token: 'Token has been expired or revoked.',
    bad_client: 'Unauthorized',
  },
  quirks: [
    {
      why: 'A refresh token only with access_type=offline. Google sends one again on a later consent only with prompt=consent; the double issues one on every offline authorization.',
      source: `${WEB_DOC}#offline`,
    },
    {
      why: 'Refresh answers keep the refresh token (no rotation) and carry a new ID token.',
      source: `${WEB_DOC}#offline`,
    },
    {
      why: 'ID tokens may carry iss "accounts.google.com" without the scheme.',
      source: `${OIDC_DOC}#validatinganidtoken`,
    },
    {
      why: 'hd is the Workspace domain; only the claim, not the hd request hint, proves it.',
      source: `${OIDC_DOC}#hd-param`,
    },
    {
      why: 'Revocation at oauth2.googleapis.com/revoke needs no client authentication (the double takes it with or without).',
      source: `${WEB_DOC}#tokenrevoke`,
    },
    {
      why: 'Docs are silent on the exact userinfo error body; the double answers RFC 6750 401.',
      source: OIDC_DOC,
    },
  ],
};
