import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { OAuthRequestError, OAuthResponseError } from '../oauth/errors.ts';
import { profileFrom, type PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { readJSON } from '../oauth/transport.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';

/** The `response` of Naver's `GET /v1/nid/me` (the fields latchkey reads; more pass through). */
export interface NaverUser extends PassThroughFields {
  /** Unique per app (the same person has another id in another app). */
  id: string;
  nickname?: string;
  name?: string;
  /** The account's contact address; Naver documents no verification of it. */
  email?: string;
  profile_image?: string;
}

export interface NaverConfig
  extends ConfidentialConfig, Pick<HostOverrides, 'baseURL' | 'apiURL'> {}

export type NaverProvider = OAuthProvider<NaverUser, 'naver'>;

/**
 * Sign in with Naver (네이버 로그인, OAuth 2.0; no PKCE, no scopes: the consent items are set per
 * app). Token errors come with HTTP 200; revocation is the token endpoint's `grant_type=delete`.
 * @throws TypeError on a bad configuration (missing client id or secret, non-https URL)
 * @see https://developers.naver.com/docs/login/api/api.md
 * @see https://developers.naver.com/docs/login/profile/profile.md
 */
export function naver(config: NaverConfig): NaverProvider {
  const web = baseURL('baseURL', config?.baseURL, 'https://nid.naver.com');
  const api = baseURL('apiURL', config.apiURL, 'https://openapi.naver.com');
  const tokenEndpoint = `${web}/oauth2.0/token`;
  // Naver documents no PKCE; it reads the client id and secret from the request parameters.
  return defineProvider<NaverUser, 'naver'>(
    { pkce: false, ...config },
    {
      id: 'naver',
      name: 'Naver',
      issuer: web,
      scopes: [],
      clientAuthMethod: 'client_secret_post',
      endpoints: {
        authorizationEndpoint: `${web}/oauth2.0/authorize`,
        tokenEndpoint,
        http200Errors: true,
      },
      // Naver's token request takes the callback's `state` too.
      exchangeParams: (callback) => ({ state: callback.get('state')! }),
      async getUser(tokens, client) {
        type Answer = { resultcode?: unknown; message?: unknown; response?: unknown } | null;
        const answer = (await client.fetchJSON(`${api}/v1/nid/me`, tokens.accessToken)) as Answer;
        // Success is resultcode "00"; anything else is Naver refusing, whatever the HTTP status.
        if (answer?.resultcode !== '00')
          throw new OAuthRequestError(`naver_${String(answer?.resultcode)}`, answer?.message, 200);
        return profileFrom('Naver /v1/nid/me', answer.response, {
          id: 'id',
          name: (u) => u.name ?? u.nickname,
          avatarURL: 'profile_image',
          email: 'email', // never verified: Naver documents no verification
        });
      },
      async revokeToken(token, client) {
        const body = new URLSearchParams({
          grant_type: 'delete',
          client_id: config.clientId,
          client_secret: config.clientSecret,
          access_token: token,
          service_provider: 'NAVER',
        });
        // An `error` body (HTTP 200) is raised by the client's fetch, as for every token request.
        const response = await client.fetch(tokenEndpoint, { method: 'POST', body });
        const answer = (await readJSON(response)) as Record<string, unknown> | null;
        if (answer?.result !== 'success')
          throw new OAuthResponseError('Naver did not confirm the token deletion');
      },
    },
  );
}
