// Yandex ID (oauth.yandex.com / login.yandex.ru), as Yandex documents it.
import type { PresetAnswer, ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const DOC = 'https://yandex.com/dev/id/doc/en';

/** Yandex: `Authorization: OAuth` on `/info`, device tokens revocable, avatar ids. */
export const yandexPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'yandex',
  name: 'Yandex',
  paths: { authorize: '/authorize', token: '/token' },
  clientAuth: ['client_secret_basic', 'client_secret_post', 'none'],
  pkce: 'optional',
  pkceMethods: ['S256', 'plain'],
  tokenType: 'bearer',
  accessTokenLifetime: 31_536_000,
  refresh: { issue: 'always', rotate: true },
  callbackIss: false,
  resourceAuthScheme: 'OAuth',
  unauthorized: { status: 401, body: 'invalid token' },
  resources: {
    '/info': (user, scopes) => {
      const body: Record<string, unknown> = {
        id: user.id,
        login: user.username ?? `user${user.id}`,
        client_id: 'yandex-double-client',
        psuid: `1.${user.id}.psuid`,
      };
      if (user.name != null) Object.assign(body, { display_name: user.name, real_name: user.name });
      if (scopes.includes('login:email') && user.email != null)
        Object.assign(body, { default_email: user.email, emails: [user.email] });
      if (scopes.includes('login:avatar')) {
        body.is_avatar_empty = user.avatarURL == null;
        body.default_avatar_id = user.avatarURL ?? '0/0-0';
      }
      return { status: 200, body: { ...body, ...user.claims } };
    },
  },
  routes: {
    '/revoke_token': ({ method, params }, tools): PresetAnswer => {
      const clientId = params.get('client_id') ?? '';
      const secret = tools.clientSecret(clientId);
      const token = params.get('access_token');
      if (
        method !== 'POST' ||
        secret === undefined ||
        (secret !== null && params.get('client_secret') !== secret)
      )
        return {
          status: 401,
          body: { error: 'invalid_client', error_description: 'Client not found' },
        };
      if (!token) return { status: 400, body: { error: 'invalid_request' } };
      tools.revoke(token, clientId);
      return { status: 200, body: { status: 'ok' } };
    },
  },
  quirks: [
    {
      why: 'GET https://login.yandex.ru/info?format=json takes Authorization: OAuth <token> (the double refuses Bearer).',
      source: `${DOC}/user-information#request-format`,
    },
    {
      why: 'default_avatar_id becomes https://avatars.yandex.net/get-yapic/<id>/islands-200; is_avatar_empty says there is none.',
      source: `${DOC}/user-information#avatar-access`,
    },
    {
      why: 'default_email is the contact address (login:email); Yandex states no verification flag. Its own mailbox (login@yandex.ru...) belongs to the account.',
      source: `${DOC}/user-information#email-access`,
    },
    {
      why: 'Only tokens issued with device_id can be revoked (POST /revoke_token with access_token, client_id, client_secret); for others the app deletes them.',
      source: `${DOC}/tokens/token-invalidate`,
    },
    {
      why: 'Client credentials in an Authorization: Basic header or in the body; PKCE with S256 or plain; tokens live a year.',
      source: `${DOC}/concepts/ya-oauth-intro`,
    },
    {
      why: 'A refresh answer carries a refresh token; docs do not say whether the old one stays valid (the double rotates).',
      source: `${DOC}/tokens/refresh-client`,
    },
    {
      why: 'Docs give no body for a rejected /info token; the double answers 401 text.',
      source: `${DOC}/user-information`,
    },
  ],
};
