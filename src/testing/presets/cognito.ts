// Amazon Cognito user pools, as AWS documents them.
import type { ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const DOCS = 'https://docs.aws.amazon.com/cognito/latest/developerguide';

/**
 * Cognito: issuer `https://cognito-idp.{region}.amazonaws.com/{userPoolId}` (discovery and JWKS
 * there), the OAuth endpoints on the pool's domain under `/oauth2/`; a refresh token on every
 * code exchange, never rotated by the token endpoint; string booleans in userinfo.
 */
export const cognitoPreset: ProviderPreset = {
  ...oidcPreset,
  id: 'cognito',
  name: 'Amazon Cognito',
  paths: {
    discovery: '/.well-known/openid-configuration',
    jwks: '/.well-known/jwks.json',
    authorize: '/oauth2/authorize',
    token: '/oauth2/token',
    userinfo: '/oauth2/userInfo',
    revoke: '/oauth2/revoke',
  },
  // The pool id after the service origin: `/{region}_{id}`.
  mount: /^\/[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+$/,
  clientAuth: ['client_secret_basic', 'client_secret_post', 'none'],
  pkce: 'optional',
  refresh: { issue: 'always', rotate: false, idToken: true },
  callbackIss: false,
  responseModes: [],
  user: (user, scopes) => {
    const claims: Record<string, unknown> = {
      ...oidcPreset.user(user, scopes),
      'cognito:username': user.username ?? user.id,
    };
    // userinfo sends the attribute as a string (the double sends it so in ID tokens too).
    if (typeof claims.email_verified === 'boolean')
      claims.email_verified = String(claims.email_verified);
    return { ...claims, ...user.claims };
  },
  quirks: [
    {
      why: 'The issuer is the pool (cognito-idp.{region}.amazonaws.com/{poolId}) but authorize/token/userInfo/revoke live on the pool domain ({prefix}.auth.{region}.amazoncognito.com); discovery names them. The double serves both under the pool path of one origin.',
      source: `${DOCS}/federation-endpoints.html`,
    },
    {
      why: 'userInfo answers email_verified as the string "true"/"false" (user attributes are strings); ID tokens carry a boolean.',
      source: `${DOCS}/userinfo-endpoint.html`,
    },
    {
      why: 'A refresh token on every authorization-code exchange (no offline_access scope); the token endpoint does not rotate it.',
      source: `${DOCS}/amazon-cognito-user-pools-using-the-refresh-token.html`,
    },
    {
      why: '/oauth2/revoke takes refresh tokens only (and revokes the access tokens issued from it); token revocation must be on for the app client.',
      source: `${DOCS}/revocation-endpoint.html`,
    },
    {
      why: 'cognito:username is the pool username; sub is the stable UUID. email_verified is an attribute admins (AdminUpdateUserAttributes) and IdP attribute mappings can set: admin-controlled.',
      source: `${DOCS}/user-pool-settings-attributes.html`,
    },
  ],
};
