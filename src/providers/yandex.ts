import { LatchkeyError } from '../core/errors.ts';
import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { profileFrom, type PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';
import { readJSON } from '../oauth/transport.ts';
import type { HostOverrides } from './config-fields.ts';
import { providerPost } from './provider-post.ts';

/** Yandex ID's `GET /info?format=json` (the fields latchkey reads; the rest is passed through). */
export interface YandexUser extends PassThroughFields {
  id: string;
  login: string;
  display_name?: string;
  real_name?: string;
  /** The contact address: the Yandex mailbox, or an address added to the account. */
  default_email?: string;
  emails?: string[];
  default_avatar_id?: string;
  is_avatar_empty?: boolean;
}

/** Configuration of {@link yandex} (a `clientSecret` for a web app). */
export interface YandexConfig extends ProviderConfig, Pick<HostOverrides, 'baseURL' | 'apiURL'> {
  /** A device id (6-50 characters) sent on authorization: only such tokens can be revoked. */
  deviceId?: string;
}

export type YandexProvider = OAuthProvider<YandexUser, 'yandex'>;

// Yandex's own mail domains: an address there named after the login is the account's mailbox.
const MAIL_DOMAIN = /^(yandex\.(ru|com|by|kz|ua|com\.tr)|ya\.ru|narod\.ru)$/;
const loginKey = (s: string): string => s.toLowerCase().replaceAll('.', '-'); // `.` and `-` are one

/** Whether the address is the account's own Yandex mailbox (`login@yandex.ru`...). */
function ownMailbox(user: YandexUser): boolean {
  const [local, domain, ...rest] = String(user.default_email ?? '').split('@');
  if (!local || !domain || rest.length > 0 || typeof user.login !== 'string') return false;
  return MAIL_DOMAIN.test(domain.toLowerCase()) && loginKey(local) === loginKey(user.login);
}

/**
 * Sign in with Yandex ID (OAuth 2.0; scopes `login:info login:email login:avatar`, PKCE S256).
 * The user API takes `Authorization: OAuth <token>`, not Bearer.
 * @see https://yandex.com/dev/id/doc/en/concepts/ya-oauth-intro
 * @see https://yandex.com/dev/id/doc/en/user-information
 */
export function yandex(config: YandexConfig): YandexProvider {
  const web = baseURL('baseURL', config.baseURL, 'https://oauth.yandex.com');
  const api = baseURL('apiURL', config.apiURL, 'https://login.yandex.ru');
  return defineProvider<YandexUser, 'yandex'>(config, {
    id: 'yandex',
    name: 'Yandex',
    issuer: web,
    scopes: ['login:info', 'login:email', 'login:avatar'],
    endpoints: { authorizationEndpoint: `${web}/authorize`, tokenEndpoint: `${web}/token` },
    params: config.deviceId ? { device_id: config.deviceId } : undefined,
    async getUser(tokens, client) {
      const headers = { authorization: `OAuth ${tokens.accessToken}`, accept: 'application/json' };
      const answer = await readJSON(await client.fetch(`${api}/info?format=json`, { headers }));
      return profileFrom('Yandex /info', answer, {
        id: 'id',
        idFormat: /^[0-9]{1,20}$/,
        required: ['login'],
        username: 'login',
        name: ['display_name', 'real_name'],
        avatarURL: (u) =>
          u.is_avatar_empty === false && /^[\w-]+(\/[\w-]+)*$/.test(String(u.default_avatar_id))
            ? `https://avatars.yandex.net/get-yapic/${u.default_avatar_id}/islands-200`
            : null,
        email: 'default_email',
        // Only the account's own Yandex mailbox is known to be its; other addresses are unverified.
        emailVerified: ownMailbox,
      });
    },
    async revokeToken(token) {
      if (!config.deviceId)
        throw new LatchkeyError('config', 'Yandex revokes only tokens issued with a deviceId');
      const body = new URLSearchParams({ access_token: token, client_id: config.clientId });
      if (config.clientSecret) body.set('client_secret', config.clientSecret);
      await providerPost(config, `${web}/revoke_token`, { body }, 'revocation');
    },
  });
}
