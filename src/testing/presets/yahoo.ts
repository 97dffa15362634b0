// Yahoo's OpenID Connect endpoints (api.login.yahoo.com), as Yahoo documents and publishes them.
import type { ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const DOC = 'https://developer.yahoo.com/oauth2/guide/openid_connect/';
const DISCOVERY = 'https://api.login.yahoo.com/.well-known/openid-configuration';

/** Yahoo: ES256 ID tokens (RS256 also listed), `token_revocation_endpoint`, no PKCE. */
export const yahooPreset: ProviderPreset = {
  ...oidcPreset,
  id: 'yahoo',
  name: 'Yahoo',
  paths: {
    discovery: '/.well-known/openid-configuration',
    authorize: '/oauth2/request_auth',
    token: '/oauth2/get_token',
    userinfo: '/openid/v1/userinfo',
    revoke: '/oauth2/revoke',
    jwks: '/openid/v1/certs',
  },
  clientAuth: ['client_secret_basic', 'client_secret_post'],
  pkce: 'ignored',
  idTokenAlg: 'ES256',
  metadataNames: { revocation_endpoint: 'token_revocation_endpoint' },
  metadata: {
    id_token_signing_alg_values_supported: ['ES256', 'RS256'],
    introspection_endpoint: undefined,
    response_modes_supported: ['query'],
  },
  responseModes: [],
  callbackIss: false,
  refresh: { issue: 'always', rotate: false, idToken: false },
  tokenExtras: (user) => ({ xoauth_yahoo_guid: user.id }),
  quirks: [
    {
      why: 'ID tokens are signed ES256 while discovery lists ["ES256", "RS256"]: a client defaulting to RS256 rejects every token.',
      source: DISCOVERY,
    },
    {
      why: 'Discovery names the revocation endpoint token_revocation_endpoint, not RFC 8414 revocation_endpoint; its request format is not documented (RFC 7009 assumed).',
      source: DISCOVERY,
    },
    {
      why: 'PKCE is not documented and discovery lists no code_challenge_methods_supported; confidential clients sending code_challenge are reported to be refused (not verified). The double ignores a challenge.',
      source: `${DOC}getting_started.html`,
    },
    {
      why: 'Token answers carry xoauth_yahoo_guid; client authentication is Basic or secret in the body.',
      source: `${DOC}getting_started.html`,
    },
    {
      why: 'Refresh answers: whether they carry a new ID token or a new refresh token is not documented; the double sends neither (the refresh token is kept).',
      source: `${DOC}getting_started.html`,
    },
    {
      why: 'No RFC 9207 iss on the callback and only the query response mode (discovery).',
      source: DISCOVERY,
    },
  ],
};
