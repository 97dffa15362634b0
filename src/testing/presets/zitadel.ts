// ZITADEL (cloud or self-hosted instance), as ZITADEL documents it.
import type { ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const DOCS = 'https://zitadel.com/docs/apis/openidoauth';

/**
 * ZITADEL: issuer `https://{instance domain}`, OAuth endpoints under `/oauth/v2/`, userinfo under
 * `/oidc/v1/`; refresh tokens only with `offline_access`, rotated on use.
 */
export const zitadelPreset: ProviderPreset = {
  ...oidcPreset,
  id: 'zitadel',
  name: 'ZITADEL',
  paths: {
    discovery: '/.well-known/openid-configuration',
    authorize: '/oauth/v2/authorize',
    token: '/oauth/v2/token',
    userinfo: '/oidc/v1/userinfo',
    revoke: '/oauth/v2/revoke',
    jwks: '/oauth/v2/keys',
  },
  clientAuth: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
  pkce: 'optional',
  refresh: {
    issue: (_authorize, scopes) => scopes.includes('offline_access'),
    rotate: true,
    idToken: true,
  },
  callbackIss: false,
  quirks: [
    {
      why: 'The issuer is the instance domain (https://{instance}.zitadel.cloud or a custom domain), without a path.',
      source: `${DOCS}/endpoints`,
    },
    {
      why: 'A refresh token only with offline_access (code flow); each refresh answers a new one. Whether the old one dies at once is not stated; the double treats it as spent.',
      source: `${DOCS}/scopes`,
    },
    {
      why: 'urn:zitadel:iam:org:project:id:{projectId}:aud adds a project to the token audience.',
      source: `${DOCS}/scopes`,
    },
    {
      why: 'Profile and email claims are in the ID token only with "User Info inside ID Token"; otherwise only userinfo has them.',
      source: `${DOCS}/claims`,
    },
    {
      why: "email_verified is set by ZITADEL's verification code, but also by admins and the user APIs (isVerified / isEmailVerified on create or update): admin-controlled.",
      source: 'https://zitadel.com/docs/guides/manage/user/reg-create-user',
    },
  ],
};
