import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import type { PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';

/** The `data` of Patreon's `GET /api/oauth2/v2/identity` (a JSON:API user resource). */
export interface PatreonUser extends PassThroughFields {
  /** The user id: a numeric string. */
  id: string;
  type: 'user';
  /** Only the fields asked for with `fields[user]`; `email` needs the `identity[email]` scope. */
  attributes: PassThroughFields & {
    email?: string | null;
    full_name?: string | null;
    image_url?: string | null;
    is_email_verified?: boolean | null;
    vanity?: string | null;
  };
}

export interface PatreonConfig extends ConfidentialConfig, Pick<HostOverrides, 'baseURL'> {}

export type PatreonProvider = OAuthProvider<PatreonUser, 'patreon'>;

const FIELDS = 'email,full_name,image_url,is_email_verified,vanity';
const attr = (u: PatreonUser) => (typeof u.attributes === 'object' ? u.attributes : null);

/**
 * Sign in with Patreon (OAuth 2.0, API v2; default scopes `identity identity[email]`).
 * @see https://docs.patreon.com/#oauth
 * @see https://docs.patreon.com/#get-api-oauth2-v2-identity
 */
export function patreon(config: PatreonConfig): PatreonProvider {
  const web = baseURL('baseURL', config.baseURL, 'https://www.patreon.com');
  return defineProvider(config, {
    id: 'patreon',
    name: 'Patreon',
    issuer: web,
    scopes: ['identity', 'identity[email]'],
    clientAuthMethod: 'client_secret_post', // Patreon's docs send the secret in the form body
    endpoints: {
      authorizationEndpoint: `${web}/oauth2/authorize`,
      tokenEndpoint: `${web}/api/oauth2/token`,
      userInfoEndpoint: `${web}/api/oauth2/v2/identity?fields%5Buser%5D=${FIELDS}`,
    },
    userField: 'data',
    profile: {
      id: 'id',
      idFormat: /^[0-9]+$/,
      name: (u) => attr(u)?.full_name,
      username: (u) => attr(u)?.vanity,
      avatarURL: (u) => attr(u)?.image_url,
      email: (u) => attr(u)?.email,
      emailVerified: (u) => attr(u)?.is_email_verified,
    },
  });
}
