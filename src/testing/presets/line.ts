// LINE Login v2.1 (access.line.me / api.line.me), as LINE documents it.
import type { PresetAnswer, ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const WEB = 'https://developers.line.biz/en/docs/line-login/integrate-line-login/';
const REF = 'https://developers.line.biz/en/reference/line-login/';
const ID_TOKEN = 'https://developers.line.biz/en/docs/line-login/verify-id-token/';

const answer = (status: number, body: unknown): PresetAnswer => ({ status, body });

/** LINE: HS256 ID tokens (channel secret), `/v2/profile`, revoke with `access_token`. */
export const linePreset: ProviderPreset = {
  ...oidcPreset,
  id: 'line',
  name: 'LINE',
  paths: {
    discovery: '/.well-known/openid-configuration',
    authorize: '/oauth2/v2.1/authorize',
    token: '/oauth2/v2.1/token',
    userinfo: '/oauth2/v2.1/userinfo',
    jwks: '/oauth2/v2.1/certs',
  },
  clientAuth: ['client_secret_post'],
  pkce: 'optional',
  accessTokenLifetime: 2_592_000,
  refresh: { issue: 'always', rotate: false, idToken: false },
  callbackIss: false,
  responseModes: [],
  idTokenAlg: 'HS256',
  // What LINE's discovery document announces, although web login signs HS256.
  metadata: {
    id_token_signing_alg_values_supported: ['ES256'],
    subject_types_supported: ['pairwise'],
  },
  user(user, scopes) {
    const claims: Record<string, unknown> = { sub: user.id, amr: ['linesso'] };
    if (scopes.includes('profile')) {
      if (user.name != null) claims.name = user.name;
      if (user.avatarURL != null) claims.picture = user.avatarURL;
    }
    // `email` only with the scope (and the channel's permission); no `email_verified` claim.
    if (scopes.includes('email') && user.email != null) claims.email = user.email;
    return { ...claims, ...user.claims };
  },
  resources: {
    '/v2/profile': (user, scopes) =>
      scopes.includes('profile')
        ? answer(200, {
            userId: user.id,
            displayName: user.name ?? '',
            ...(user.avatarURL == null ? {} : { pictureUrl: user.avatarURL }),
            statusMessage: 'hello',
          })
        : answer(403, { message: 'Not allowed to use the API.' }),
  },
  routes: {
    '/oauth2/v2.1/revoke': ({ method, params }, tools) => {
      if (method !== 'POST') return answer(405, { error: 'invalid_request' });
      const clientId = params.get('client_id') ?? '';
      const secret = tools.clientSecret(clientId);
      if (!secret || params.get('client_secret') !== secret)
        return answer(400, { error: 'invalid_client', error_description: 'invalid client' });
      const token = params.get('access_token');
      if (!token)
        return answer(400, {
          error: 'invalid_request',
          error_description: 'access_token required',
        });
      tools.revoke(token, clientId);
      return answer(200, {});
    },
  },
  quirks: [
    {
      why: 'Web login ID tokens are HS256-signed with the channel secret (ES256 with a kid only for native apps, LINE SDK and LIFF), though discovery lists only ES256.',
      source: `${ID_TOKEN}#header`,
    },
    {
      why: 'email is in the ID token only for channels granted the email permission and with the email scope; LINE documents no email_verified claim and no verification.',
      source: `${ID_TOKEN}#payload`,
    },
    {
      why: 'The token endpoint takes client_id and client_secret in the form body; PKCE S256 is supported.',
      source: `${REF}#issue-access-token`,
    },
    {
      why: 'GET https://api.line.me/v2/profile (profile scope) answers userId, displayName, pictureUrl, statusMessage.',
      source: `${REF}#get-user-profile`,
    },
    {
      why: 'Revocation is POST /oauth2/v2.1/revoke with access_token, client_id and client_secret (not RFC 7009 token); an empty JSON object on success.',
      source: 'https://developers.line.biz/en/docs/line-login/managing-users/#logout',
    },
    {
      why: 'Access tokens live 30 days, refresh tokens up to 90 days after issue; docs do not say whether a refresh answer carries a new refresh token (the double keeps the old one). No ID token on refresh.',
      source: 'https://developers.line.biz/en/docs/line-login/managing-access-tokens/',
    },
    {
      why: 'Docs give no error body for /v2/profile (only the status codes); the double answers 401 RFC 6750 and 403 {message}.',
      source: `${REF}#status-codes`,
    },
    {
      why: 'The authorization request carries nonce and state; the callback has no RFC 9207 iss.',
      source: `${WEB}#making-an-authorization-request`,
    },
  ],
};
