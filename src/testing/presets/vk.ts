// VK ID (id.vk.com, OAuth 2.1), as VK documents it.
import type { PresetAnswer, PresetRouteRequest, PresetTools, ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const API =
  'https://id.vk.com/about/business/go/docs/ru/vkid/latest/vk-id/connection/api-integration/api-description';
const FAQ = 'https://id.vk.ru/about/faq/business/vkid/authorization/30011';

const invalid: PresetAnswer = {
  status: 401,
  body: { error: 'invalid_token', error_description: 'invalid access_token' },
};

/** A VK ID form endpoint: the app id and the access token of a live grant of that app. */
function withGrant(
  answer: (request: PresetRouteRequest, tools: PresetTools, token: string) => PresetAnswer,
): (request: PresetRouteRequest, tools: PresetTools) => PresetAnswer {
  return (request, tools) => {
    const token = request.params.get('access_token') ?? '';
    const grant = tools.grantOf(token);
    if (request.method !== 'POST' || !grant || grant.clientId !== request.params.get('client_id'))
      return invalid;
    return answer(request, tools, token);
  };
}

const ended: Parameters<typeof withGrant>[0] = (_request, tools, token) => {
  tools.revoke(token, null);
  return { status: 200, body: { response: 1 } };
};

// A VK-shaped ID token the client must not mistake for an OIDC one (iss "VK", numeric sub).
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const vkIdToken = (id: string): string =>
  `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ iss: 'VK', sub: Number(id), app: 1 })}.c2ln`;

/** VK ID: PKCE required, `device_id` on the callback and every token request, form APIs. */
export const vkPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'vk',
  name: 'VK ID',
  paths: { authorize: '/authorize', token: '/oauth2/auth' },
  clientAuth: ['none'],
  pkce: 'required',
  accessTokenLifetime: 3600,
  refresh: { issue: 'always', rotate: true },
  callbackIss: false,
  defaultScopes: ['vkid.personal_info'],
  callbackParams: (user) => ({
    device_id: `dev-${user.id}-Gc7XiR`,
    type: 'code_v2',
    expires_in: '600',
  }),
  checkTokenRequest(params, issued) {
    if (params.get('device_id') !== issued.device_id) return 'device_id is missing or invalid';
    return params.get('state') ? null : 'state is required';
  },
  tokenExtras: (user) => ({ user_id: Number(user.id), id_token: vkIdToken(user.id) }),
  user: () => ({}),
  routes: {
    '/oauth2/user_info': withGrant((_request, tools, token) => {
      const { user, scopes } = tools.grantOf(token)!;
      const [first = '', last = ''] = (user.name ?? '').split(' ');
      const body: Record<string, unknown> = {
        user_id: user.id,
        first_name: first,
        last_name: last,
      };
      if (user.avatarURL != null) body.avatar = user.avatarURL;
      if (scopes.includes('email') && user.email != null) body.email = user.email;
      return { status: 200, body: { user: { ...body, ...user.claims } } };
    }),
    '/oauth2/logout': withGrant(ended),
    '/oauth2/revoke': withGrant(ended),
  },
  quirks: [
    {
      why: 'PKCE (S256) is required; the token endpoint is POST /oauth2/auth without a client secret.',
      source: API,
    },
    {
      why: 'The callback carries device_id (with code and state); the code exchange and every refresh must send it, and state too.',
      source: FAQ,
    },
    {
      why: 'Token answers add user_id (a number) and an id_token that is VK’s own JWT, not an ID token for this client.',
      source: API,
    },
    {
      why: 'user_info, logout and revoke are POSTs with client_id and access_token in the form body; user_info answers {user: {user_id (string), first_name, last_name, avatar, email...}}.',
      source: API,
    },
    {
      why: 'Refresh tokens are single-use: a refresh answer carries a new one.',
      source: API,
    },
    {
      why: 'Docs state no verification of the email; the exact error status of user_info is not documented (the double answers 401 {error, error_description}).',
      source: API,
    },
  ],
};
