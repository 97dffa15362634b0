// Roblox's OpenID Connect endpoints (apis.roblox.com/oauth), as Roblox documents them.
import type { ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const DOC = 'https://create.roblox.com/docs/cloud/reference/oauth2';

/** Roblox: issuer with a trailing slash, single-use refresh tokens, profile claims, no email. */
export const robloxPreset: ProviderPreset = {
  ...oidcPreset,
  id: 'roblox',
  name: 'Roblox',
  issuer: (origin, prefix) => `${origin}${prefix}/oauth/`,
  paths: {
    discovery: '/oauth/.well-known/openid-configuration',
    authorize: '/oauth/v1/authorize',
    token: '/oauth/v1/token',
    userinfo: '/oauth/v1/userinfo',
    revoke: '/oauth/v1/token/revoke',
    jwks: '/oauth/v1/certs',
  },
  clientAuth: ['client_secret_post', 'client_secret_basic', 'none'],
  pkce: 'optional',
  accessTokenLifetime: 899,
  refresh: { issue: 'always', rotate: true, idToken: true },
  callbackIss: false,
  responseModes: [],
  idTokenAlg: 'ES256',
  user(user, scopes) {
    const claims: Record<string, unknown> = { sub: user.id };
    if (scopes.includes('profile')) {
      const name = user.name ?? user.username;
      Object.assign(claims, {
        name,
        nickname: name,
        preferred_username: user.username,
        created_at: 1584682495,
        profile: `https://www.roblox.com/users/${user.id}/profile`,
        picture: user.avatarURL ?? null,
      });
    }
    if (scopes.includes('email') && user.email != null)
      Object.assign(claims, { email: user.email, email_verified: user.emailVerified ?? false });
    return { ...claims, ...user.claims };
  },
  quirks: [
    {
      why: 'The issuer is https://apis.roblox.com/oauth/ with a trailing slash; discovery is at …/oauth/.well-known/openid-configuration.',
      source: `${DOC}#discovery`,
    },
    {
      why: 'ID tokens are ES256: discovery lists only ES256, and the double signs with an ES256 key.',
      source: `${DOC}#discovery`,
    },
    {
      why: 'Refresh tokens last 6 months and are single-use; a refresh returns a new access, refresh and ID token. Access tokens live 15 minutes (expires_in 899).',
      source: `${DOC}#token-exchange`,
    },
    {
      why: 'Revocation (RFC 7009 shape) at v1/token/revoke is documented with the refresh token: it ends the authorization session.',
      source: `${DOC}#post-v1tokenrevoke`,
    },
    {
      why: 'Userinfo: sub, name and nickname (display name), preferred_username, created_at, profile, picture (null until generated or when moderated).',
      source: `${DOC}#get-v1userinfo`,
    },
    {
      why: 'Discovery lists an email scope and email_verified, but not every scope is open to third-party apps; by default there is no email.',
      source: `${DOC}#discovery`,
    },
    {
      why: 'Client credentials in a Basic header or the body; PKCE S256; codes live one minute.',
      source: `${DOC}#authorization`,
    },
  ],
};
