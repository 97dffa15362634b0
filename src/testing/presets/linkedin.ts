// LinkedIn's "Sign In with LinkedIn using OpenID Connect" endpoints, as LinkedIn documents them
// (and, where its docs are silent, as its clients report them).
import { standardClaims, type ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const DOC =
  'https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2';
const FLOW_DOC =
  'https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow';
const NO_MATCH =
  'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists';

/**
 * LinkedIn: issuer `https://www.linkedin.com/oauth`, client_secret_post only, a `code_verifier`
 * refused, comma-separated scopes, 60-day access tokens without refresh, a `locale` object.
 */
export const linkedinPreset: ProviderPreset = {
  ...oidcPreset,
  id: 'linkedin',
  name: 'LinkedIn',
  paths: {
    discovery: '/.well-known/openid-configuration',
    authorize: '/v2/authorization',
    token: '/v2/accessToken',
    // Really https://api.linkedin.com/v2/userinfo; served under the issuer's path here.
    userinfo: '/v2/userinfo',
    jwks: '/openid/jwks',
  },
  mount: /^\/oauth$/,
  clientAuth: ['client_secret_post'],
  pkce: 'ignored',
  scopeSeparator: ',',
  accessTokenLifetime: 5_183_999,
  refresh: { issue: 'never', rotate: false },
  callbackIss: false,
  responseModes: [],
  metadata: { code_challenge_methods_supported: undefined, revocation_endpoint: undefined },
  errorDescriptions: {
    bad_client: 'Client authentication failed',
    bad_code: NO_MATCH,
    bad_redirect_uri: NO_MATCH,
  },
  // LinkedIn reports a bad code or redirect URI as invalid_request, with one long description.
  tokenError: (error, description, failure) => ({
    status: error === 'invalid_client' ? 401 : 400,
    body: {
      error: failure === 'bad_code' || failure === 'bad_redirect_uri' ? 'invalid_request' : error,
      error_description: description,
    },
  }),
  // Web apps of this product that send a code_verifier are refused as an invalid client.
  screen: ({ endpoint, params }) =>
    endpoint === 'token' && params?.has('code_verifier')
      ? {
          status: 401,
          body: { error: 'invalid_client', error_description: 'Client authentication failed' },
        }
      : null,
  unauthorized: {
    status: 401,
    body: { serviceErrorCode: 65600, message: 'Invalid access token', status: 401 },
  },
  user(user, scopes) {
    const claims = standardClaims(user);
    const out: Record<string, unknown> = { sub: claims.sub };
    if (scopes.includes('profile')) {
      for (const c of ['name', 'picture']) if (claims[c] !== undefined) out[c] = claims[c];
      out.locale = { country: 'US', language: 'en' };
    }
    if (scopes.includes('email') && claims.email !== undefined) {
      out.email = claims.email;
      out.email_verified = claims.email_verified;
    }
    return { ...out, ...user.claims };
  },
  quirks: [
    {
      why: 'Issuer is https://www.linkedin.com/oauth (changed from https://www.linkedin.com in 2024); userinfo lives on api.linkedin.com.',
      source: 'https://www.linkedin.com/oauth/.well-known/openid-configuration',
    },
    {
      why: 'The token request takes client_id and client_secret in the body; discovery lists only client_secret_post.',
      source: `${FLOW_DOC}#step-3-exchange-authorization-code-for-an-access-token`,
    },
    {
      why: 'No nonce in ID tokens, even when one is sent (docs silent; reported by many clients). The double signs none because the provider sends none.',
      source: 'https://github.com/linkedin-developers/linkedin-api-js-client/issues/34',
    },
    {
      why: 'PKCE is for native apps LinkedIn enables; a web app sending code_verifier gets invalid_client (docs silent; client reports).',
      source:
        'https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow-native',
    },
    {
      why: 'Access tokens last 60 days; refresh tokens only for approved Marketing partners.',
      source:
        'https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens',
    },
    {
      why: 'scope in the token answer is comma-separated ("email,openid,profile"); locale is an object {country, language}.',
      source: DOC,
    },
    {
      why: 'Sign In with LinkedIn "does not verify user identities"; email_verified is the only email signal. Docs are silent on the userinfo error body (the double answers a 401 {serviceErrorCode, message, status}).',
      source: DOC,
    },
  ],
};
