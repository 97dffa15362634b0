// Login with Amazon's endpoints (www.amazon.com/ap/oa, api.amazon.com), as Amazon documents them.
import type { ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const LWA = 'https://developer.amazon.com/docs/login-with-amazon';

/** Login with Amazon: `profile` scopes, PKCE (S256 or plain), `amzn1.account.` ids. */
export const amazonPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'amazon',
  name: 'Amazon',
  paths: { authorize: '/ap/oa', token: '/auth/o2/token', userinfo: '/user/profile' },
  clientAuth: ['client_secret_post', 'client_secret_basic', 'none'],
  pkce: 'optional',
  pkceMethods: ['S256', 'plain'],
  tokenType: 'bearer',
  accessTokenLifetime: 3600,
  refresh: { issue: 'always', rotate: true },
  // `scope: undefined` drops the field: Amazon's token answers list no scopes.
  tokenExtras: () => ({ scope: undefined }),
  unauthorized: {
    status: 401,
    body: { error: 'invalid_token', error_description: 'The access token provided is invalid.' },
  },
  user(user, scopes) {
    const body: Record<string, unknown> = { user_id: user.id };
    if (scopes.includes('profile')) {
      body.name = user.name ?? '';
      body.email = user.email ?? '';
    }
    if (scopes.includes('postal_code')) body.postal_code = '98101';
    return { ...body, ...user.claims };
  },
  quirks: [
    {
      why: 'Scopes: profile (user_id, name, email), profile:user_id (user_id only, no consent screen), postal_code.',
      source: `${LWA}/customer-profile.html`,
    },
    {
      why: 'user_id (amzn1.account.…) is the same for every app of one developer.',
      source: `${LWA}/customer-profile.html`,
    },
    {
      why: 'email is "the email address that they have registered with Amazon": no verification is stated and no flag exists.',
      source: `${LWA}/customer-profile.html`,
    },
    {
      why: 'PKCE is recommended: code_challenge with S256 or plain; client_id and client_secret go in the body (a Basic header is also accepted).',
      source: `${LWA}/authorization-code-grant.html`,
    },
    {
      why: 'Access tokens (Atza|…) last 60 minutes; a refresh returns a new access token and refresh token (whether the old refresh token keeps working is not stated; the double rotates).',
      source: `${LWA}/access-token.html`,
    },
    {
      why: 'Regions: NA www.amazon.com / api.amazon.com, EU eu.account.amazon.com / api.amazon.co.uk, FE apac.account.amazon.com / api.amazon.co.jp. The double serves one region.',
      source: `${LWA}/obtain-customer-profile.html`,
    },
    {
      why: 'No token revocation endpoint is documented for websites; the profile endpoint error body is not documented (the double answers RFC 6750 401).',
      source: `${LWA}/obtain-customer-profile.html`,
    },
  ],
};
