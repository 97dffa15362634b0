import { readJSON } from '../oauth/client.ts';
import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { profileFrom, withListedEmail, type PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';

/** Bitbucket Cloud's `GET /2.0/user` (the fields latchkey reads; the rest is passed through). */
export interface BitbucketUser extends PassThroughFields {
  /** `{…}`: a UUID in braces, the form Bitbucket's own URLs take. */
  uuid: string;
  /** The Atlassian account id behind the Bitbucket account. */
  account_id?: string;
  display_name?: string;
  nickname?: string;
  links?: { avatar?: { href?: string } };
}

/** Configuration of {@link bitbucket} (an OAuth consumer's key and secret). */
export interface BitbucketConfig
  extends ConfidentialConfig, Pick<HostOverrides, 'baseURL' | 'apiURL'> {}

export type BitbucketProvider = OAuthProvider<BitbucketUser, 'bitbucket'>;

/**
 * Sign in with Bitbucket Cloud (OAuth 2.0; default scopes `account email`). The email comes
 * only from `/2.0/user/emails`, and only a confirmed primary address counts.
 * @see https://developer.atlassian.com/cloud/bitbucket/oauth-2/
 * @see https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/
 */
export function bitbucket(config: BitbucketConfig): BitbucketProvider {
  const web = baseURL('baseURL', config.baseURL, 'https://bitbucket.org');
  const api = baseURL('apiURL', config.apiURL, 'https://api.bitbucket.org');
  return defineProvider(config, {
    id: 'bitbucket',
    name: 'Bitbucket',
    issuer: web,
    scopes: ['account', 'email'],
    endpoints: {
      authorizationEndpoint: `${web}/site/oauth2/authorize`,
      tokenEndpoint: `${web}/site/oauth2/access_token`,
    },
    async getUser(tokens, client) {
      const answer = await client.fetchJSON(`${api}/2.0/user`, tokens.accessToken);
      const mapped = profileFrom<BitbucketUser>('Bitbucket /2.0/user', answer, {
        id: 'uuid',
        idFormat: /^\{[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\}$/,
        username: 'nickname',
        name: 'display_name',
        avatarURL: (u) => u.links?.avatar?.href,
      });
      // Without the `email` scope Bitbucket answers 403: no email then.
      const emails = await client.fetch(`${api}/2.0/user/emails?pagelen=100`, {
        headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' },
      });
      const page = emails.status === 403 ? {} : ((await readJSON(emails)) as { values?: unknown });
      return withListedEmail(mapped, page?.values, ['is_primary', 'is_confirmed']);
    },
  });
}
