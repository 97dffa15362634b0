// A generic OpenID Connect provider: the base OIDC presets spread.
import { standardClaims, type ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

/**
 * OpenID Connect Core + Discovery: `/.well-known/openid-configuration`, JWKS, RS256 ID tokens
 * when `openid` is granted (also on refresh), RFC 9207 `iss`, `response_mode=form_post`,
 * every client authentication method including JWT client assertions.
 */
export const oidcPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'oidc',
  name: 'OpenID Connect',
  paths: {
    ...oauth2Preset.paths,
    discovery: '/.well-known/openid-configuration',
    jwks: '/jwks',
  },
  openid: true,
  clientAuth: [
    'client_secret_basic',
    'client_secret_post',
    'client_secret_jwt',
    'private_key_jwt',
    'none',
  ],
  refresh: { issue: 'always', rotate: false, idToken: true },
  callbackIss: true,
  responseModes: ['form_post'],
  user: (user, scopes) => {
    // OIDC Core §5.4: `email` and `profile` claims only with their scopes.
    const claims = standardClaims(user);
    if (!scopes.includes('email')) for (const c of ['email', 'email_verified']) delete claims[c];
    if (!scopes.includes('profile'))
      for (const c of ['name', 'preferred_username', 'picture']) delete claims[c];
    return { ...claims, ...user.claims };
  },
};
