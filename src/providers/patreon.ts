import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { OAuthResponseError } from '../oauth/errors.ts';
import { profileFrom } from '../oauth/profile-fields.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';

/** The `data` of Patreon's `GET /api/oauth2/v2/identity` (a JSON:API user resource). */
export interface PatreonUser {
  /** The user id: a numeric string. */
  id: string;
  type: 'user';
  /** Only the fields asked for with `fields[user]`; `email` needs the `identity[email]` scope. */
  attributes: {
    email?: string | null;
    full_name?: string | null;
    image_url?: string | null;
    is_email_verified?: boolean | null;
    vanity?: string | null;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** Configuration of {@link patreon} (a `clientSecret` is required). */
export interface PatreonConfig extends ProviderConfig {
  clientSecret: string;
  /** Origin override (a local double). Default `https://www.patreon.com`. */
  baseURL?: string;
}

export type PatreonProvider = OAuthProvider<PatreonUser, 'patreon'>;

const FIELDS = 'email,full_name,image_url,is_email_verified,vanity';

/**
 * Sign in with Patreon (OAuth 2.0, API v2; default scopes `identity identity[email]`). Patreon has
 * no revocation endpoint: `revokeToken` throws `config`.
 * @throws TypeError on a bad configuration (missing client id, non-https base URL)
 * @see https://docs.patreon.com/#oauth
 * @see https://docs.patreon.com/#get-api-oauth2-v2-identity
 */
export function patreon(config: PatreonConfig): PatreonProvider {
  const web = baseURL('baseURL', config.baseURL, 'https://www.patreon.com');
  const identity = `${web}/api/oauth2/v2/identity?fields%5Buser%5D=${FIELDS}`;
  return defineProvider(config, {
    id: 'patreon',
    name: 'Patreon',
    issuer: web,
    scopes: ['identity', 'identity[email]'],
    clientAuthMethod: 'client_secret_post', // Patreon's docs send the secret in the form body
    endpoints: {
      authorizationEndpoint: `${web}/oauth2/authorize`,
      tokenEndpoint: `${web}/api/oauth2/token`,
    },
    async getUser(tokens, client) {
      const body = (await client.fetchJSON(identity, tokens.accessToken)) as { data?: unknown };
      if (typeof body !== 'object' || body === null) {
        throw new OAuthResponseError('Patreon /api/oauth2/v2/identity answered without data');
      }
      const attr = (u: PatreonUser) => (typeof u.attributes === 'object' ? u.attributes : {});
      return profileFrom<PatreonUser>('Patreon /api/oauth2/v2/identity', body.data, {
        id: 'id',
        idFormat: /^[0-9]+$/,
        name: (u) => attr(u)?.full_name,
        username: (u) => attr(u)?.vanity,
        avatarURL: (u) => attr(u)?.image_url,
        email: (u) => attr(u)?.email,
        emailVerified: (u) => attr(u)?.is_email_verified,
      });
    },
  });
}
