// Naver Login (nid.naver.com / openapi.naver.com), as Naver documents it.
import type { PresetAnswer, ProviderPreset } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const API = 'https://developers.naver.com/docs/login/api/api.md';
const PROFILE = 'https://developers.naver.com/docs/login/profile/profile.md';

const ok = (body: unknown): PresetAnswer => ({ status: 200, body });

/** Naver: HTTP 200 token errors, `state` on the token request, `grant_type=delete`, `resultcode`. */
export const naverPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'naver',
  name: 'Naver',
  paths: { authorize: '/oauth2.0/authorize', token: '/oauth2.0/token' },
  clientAuth: ['client_secret_post'],
  pkce: 'ignored',
  tokenType: 'bearer',
  accessTokenLifetime: 3600,
  refresh: { issue: 'always', rotate: false },
  callbackIss: false,
  // `expires_in` is a string in Naver's examples ("3600"); no `scope` is sent back.
  tokenExtras: () => ({ expires_in: '3600', scope: undefined }),
  tokenError: (error, description) => ok({ error, error_description: description }),
  errorDescriptions: { bad_code: 'Authentication failed (인증 실패하였습니다.)' },
  checkTokenRequest: (params) =>
    params.get('grant_type') === 'authorization_code' && !params.get('state')
      ? 'state is required'
      : null,
  grants: {
    delete(request, tools, clientId) {
      const token = request.params.get('access_token');
      if (request.params.get('service_provider') !== 'NAVER' || !token)
        return ok({ error: 'invalid_request', error_description: 'invalid request' });
      tools.revoke(token, clientId);
      return ok({ access_token: token, result: 'success' });
    },
  },
  unauthorized: {
    status: 401,
    body: { resultcode: '024', message: 'Authentication failed / 인증에 실패했습니다.' },
  },
  user: () => ({}),
  resources: {
    '/v1/nid/me': (user) => {
      const response: Record<string, unknown> = { id: user.id };
      if (user.name != null) response.name = user.name;
      if (user.username != null) response.nickname = user.username;
      if (user.email != null) response.email = user.email;
      if (user.avatarURL != null) response.profile_image = user.avatarURL;
      return ok({
        resultcode: '00',
        message: 'success',
        response: { ...response, ...user.claims },
      });
    },
  },
  quirks: [
    {
      why: 'state is required on the authorization request and on the code token request.',
      source: `${API}#3-4-4-접근-토큰-발급-요청`,
    },
    {
      why: 'The token answer lists error and error_description among its fields: token errors come with HTTP 200 (as deployed; the spec gives no status).',
      source: `${API}#3-4-4-접근-토큰-발급-요청`,
    },
    {
      why: 'Deleting a token is the token endpoint with grant_type=delete, access_token and service_provider=NAVER; it answers {access_token, result: "success"}.',
      source: `${API}#3-4-5-접근-토큰-삭제-요청`,
    },
    {
      why: 'Refresh answers carry no new refresh token; expires_in is a string; no scope in answers (consent items are per app).',
      source: `${API}#3-4-4-접근-토큰-발급-요청`,
    },
    {
      why: 'GET /v1/nid/me answers {resultcode: "00", message: "success", response: {id, email, name, nickname, profile_image...}}; 024 is an authentication failure (HTTP 401).',
      source: PROFILE,
    },
    {
      why: 'id is unique per app; email is the account contact address and the docs state no verification of it.',
      source: PROFILE,
    },
    {
      why: 'The docs do not mention PKCE; the double ignores code_challenge.',
      source: API,
    },
  ],
};
