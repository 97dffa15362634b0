import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { checkSameUser } from '../oauth/oidc-user.ts';
import { profileFrom, type PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';
import type { HostOverrides } from './config-fields.ts';
import { providerPost } from './provider-post.ts';

/** Kakao's `GET /v2/user/me` (the fields latchkey reads; the rest is passed through). */
export interface KakaoUser extends PassThroughFields {
  /** The service user id: a 64-bit integer (a safe JS integer today), made a string. */
  id: number;
  kakao_account?: PassThroughFields & {
    profile?: { nickname?: string; profile_image_url?: string; is_default_image?: boolean };
    /** With the `account_email` consent item. */
    email?: string;
    /** `false` once the address belongs to another Kakao Account (then it is masked). */
    is_email_valid?: boolean;
    is_email_verified?: boolean;
  };
}

/** Configuration of {@link kakao}: `clientId` is the REST API key. */
export interface KakaoConfig extends ProviderConfig, Pick<HostOverrides, 'issuer' | 'apiURL'> {
  /** The client secret, only when enabled for the app (sent in the form body). */
  clientSecret?: string | null;
  /** Kakao Login's OpenID Connect (enable it in the app): `openid` scope, nonce, ID token. */
  openid?: boolean;
}

/** The Kakao provider, with Kakao's unlink (disconnects the user from the app). */
export type KakaoProvider = OAuthProvider<KakaoUser, 'kakao'> & {
  /** `POST /v1/user/unlink`: ends the app's tokens and the user's connection to the app. */
  unlink(accessToken: string): Promise<void>;
};

/**
 * Sign in with Kakao (Kakao Login; scopes `profile_nickname profile_image account_email`, plus
 * `openid` with `openid: true`; PKCE S256). `revokeToken` is Kakao's logout (access tokens).
 * @throws TypeError on a bad configuration (missing REST API key, non-https URL)
 * @see https://developers.kakao.com/docs/latest/en/kakaologin/rest-api
 */
export function kakao(config: KakaoConfig): KakaoProvider {
  const issuer = baseURL('issuer', config.issuer, 'https://kauth.kakao.com');
  const api = baseURL('apiURL', config.apiURL, 'https://kapi.kakao.com');
  const scopes = ['profile_nickname', 'profile_image', 'account_email'];
  // Logout and unlink are Kakao API calls with the user's access token (no RFC 7009 endpoint).
  const post = async (path: string, token: string): Promise<void> => {
    const headers = { authorization: `Bearer ${token}` };
    await providerPost(config, `${api}${path}`, { headers }, 'Kakao logout');
  };
  const provider = defineProvider<KakaoUser, 'kakao'>(config, {
    id: 'kakao',
    name: 'Kakao',
    issuer,
    scopes: config.openid ? ['openid', ...scopes] : scopes,
    clientAuthMethod: config.clientSecret ? 'client_secret_post' : 'none',
    ...(config.openid
      ? { openid: { userInfo: 'never' } as const }
      : {
          endpoints: {
            authorizationEndpoint: `${issuer}/oauth/authorize`,
            tokenEndpoint: `${issuer}/oauth/token`,
          },
        }),
    async getUser(tokens, client) {
      const me = (await client.fetchJSON(`${api}/v2/user/me`, tokens.accessToken)) as KakaoUser;
      checkSameUser(tokens, me?.id, 'Kakao /v2/user/me'); // with OIDC, `sub` is the id as a string
      return profileFrom('Kakao /v2/user/me', me, {
        id: 'id',
        idFormat: 'integer',
        name: (u) => u.kakao_account?.profile?.nickname,
        avatarURL: (u) =>
          u.kakao_account?.profile?.is_default_image
            ? null
            : u.kakao_account?.profile?.profile_image_url,
        email: (u) => u.kakao_account?.email,
        // Kakao says to check both before sending mail: verified, and still this account's.
        emailVerified: (u) =>
          u.kakao_account?.is_email_valid === true && u.kakao_account?.is_email_verified === true,
      });
    },
    revokeToken: (token) => post('/v1/user/logout', token),
  });
  return { ...provider, unlink: (token) => post('/v1/user/unlink', token) };
}
