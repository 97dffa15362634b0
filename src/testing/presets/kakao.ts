// Kakao Login (kauth.kakao.com / kapi.kakao.com), as Kakao documents it.
import type { PresetAnswer, PresetRouteRequest, PresetTools, ProviderPreset } from '../preset.ts';
import { oidcPreset } from './oidc.ts';

const REST = 'https://developers.kakao.com/docs/latest/en/kakaologin/rest-api';
const OIDC = 'https://developers.kakao.com/docs/latest/en/kakaologin/common#oidc';

const dead: PresetAnswer = {
  status: 401,
  body: { msg: 'this access token does not exist', code: -401 },
};

/** Logout and unlink: the bearer token's grant ends; Kakao answers the user id. */
function endGrant({ method, authorization }: PresetRouteRequest, tools: PresetTools): PresetAnswer {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  const grant = token === undefined ? null : tools.grantOf(token);
  if (method !== 'POST' || !grant || !token) return dead;
  tools.revoke(token, grant.clientId);
  return { status: 200, body: { id: Number(grant.user.id) } };
}

/** Kakao: numeric ids, `kakao_account` email flags, optional OIDC, logout/unlink APIs. */
export const kakaoPreset: ProviderPreset = {
  ...oidcPreset,
  id: 'kakao',
  name: 'Kakao',
  paths: {
    discovery: '/.well-known/openid-configuration',
    authorize: '/oauth/authorize',
    token: '/oauth/token',
    userinfo: '/v1/oidc/userinfo',
    jwks: '/.well-known/jwks.json',
  },
  clientAuth: ['client_secret_post', 'none'],
  pkce: 'optional',
  tokenType: 'bearer',
  accessTokenLifetime: 21_599,
  refresh: { issue: 'always', rotate: false, idToken: false },
  callbackIss: false,
  responseModes: [],
  tokenExtras: () => ({ refresh_token_expires_in: 5_183_999 }),
  unauthorized: dead,
  // ID token claims (with `openid`): the id as a string, nickname, picture, email.
  user(user, scopes) {
    const claims: Record<string, unknown> = { sub: user.id };
    if (scopes.includes('profile_nickname') && user.name != null) claims.nickname = user.name;
    if (scopes.includes('profile_image') && user.avatarURL != null) claims.picture = user.avatarURL;
    if (scopes.includes('account_email') && user.email != null) claims.email = user.email;
    return claims;
  },
  resources: {
    '/v2/user/me': (user, scopes) => {
      const account: Record<string, unknown> = {};
      if (scopes.includes('profile_nickname') || scopes.includes('profile_image'))
        account.profile = {
          nickname: user.name ?? undefined,
          profile_image_url: user.avatarURL ?? undefined,
          is_default_image: user.avatarURL == null,
        };
      if (scopes.includes('account_email') && user.email != null)
        Object.assign(account, {
          has_email: true,
          email_needs_agreement: false,
          email: user.email,
          is_email_valid: true,
          is_email_verified: user.emailVerified ?? false,
        });
      const body = { id: Number(user.id), connected_at: '2026-01-01T00:00:00Z' };
      return { status: 200, body: { ...body, kakao_account: account, ...user.claims } };
    },
  },
  routes: { '/v1/user/logout': endGrant, '/v1/user/unlink': endGrant },
  quirks: [
    {
      why: 'The user id is a number (Long) in /v2/user/me; the ID token sub is the same id as a string.',
      source: `${REST}#req-user-info`,
    },
    {
      why: 'Email: check both is_email_valid (false once the address belongs to another account, then masked) and is_email_verified.',
      source: 'https://devtalk.kakao.com/t/what-is-the-use-of-is-email/140835',
    },
    {
      why: 'OIDC is optional (enabled per app): with the openid scope an RS256 ID token and discovery at https://kauth.kakao.com.',
      source: OIDC,
    },
    {
      why: 'The client secret is optional (only when enabled for the app) and is sent in the form body.',
      source: `${REST}#request-token`,
    },
    {
      why: 'A refresh answer carries a new refresh token only when the old one has under a month left; the double never renews it.',
      source: `${REST}#refresh-token`,
    },
    {
      why: 'No RFC 7009 revocation: logout (POST /v1/user/logout) and unlink (POST /v1/user/unlink) take the access token and answer {id}.',
      source: `${REST}#logout`,
    },
    {
      why: 'API errors are {msg, code} (code -401 for a dead token), not RFC 6750.',
      source: 'https://developers.kakao.com/docs/latest/en/rest-api/reference#response-code',
    },
    {
      why: 'PKCE: the REST API page does not spell out code_challenge; Kakao SDKs send code_verifier. The double checks PKCE when sent.',
      source:
        'https://pub.dev/documentation/kakao_flutter_sdk/latest/kakao_flutter_sdk/AuthCodeClient-class.html',
    },
  ],
};
