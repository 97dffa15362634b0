import { readJSON } from '../oauth/client.ts';
import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { OAuthRequestError } from '../oauth/errors.ts';
import { profileFrom, UUID, type PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';
import { commaScopes, editAuthorizationURL } from './authorization-url.ts';
import type { HostOverrides } from './config-fields.ts';
import { rewriteAnswers, spaceSeparatedScope } from './rewrite-json.ts';

/** Linear's GraphQL `viewer` (the fields latchkey asks for). */
export interface LinearUser extends PassThroughFields {
  id: string; // a UUID
  name?: string;
  displayName?: string;
  /** Linear documents no verification for this address. */
  email?: string;
  avatarUrl?: string | null;
}

export interface LinearConfig extends ProviderConfig, Pick<HostOverrides, 'baseURL' | 'apiURL'> {}

export type LinearProvider = OAuthProvider<LinearUser, 'linear'>;
const VIEWER = '{ viewer { id name displayName email avatarUrl } }';

/**
 * Sign in with Linear (OAuth 2.0; default scope `read`, sent comma-separated as Linear wants;
 * PKCE S256; rotating refresh tokens). The user is the GraphQL `viewer`.
 * @see https://linear.app/developers/oauth-2-0-authentication
 */
export function linear(config: LinearConfig): LinearProvider {
  const web = baseURL('baseURL', config.baseURL, 'https://linear.app');
  const api = baseURL('apiURL', config.apiURL, 'https://api.linear.app');
  const provider = defineProvider(config, {
    id: 'linear',
    name: 'Linear',
    issuer: web,
    scopes: ['read'],
    clientAuthMethod: config.clientSecret ? 'client_secret_post' : 'none',
    endpoints: {
      authorizationEndpoint: `${web}/oauth/authorize`,
      tokenEndpoint: `${api}/oauth/token`,
      revocationEndpoint: `${api}/oauth/revoke`,
    },
    // Linear's documented token answer lists `scope` as a JSON array; RFC 6749 wants a string.
    fetch: (base) => rewriteAnswers(base, `${api}/oauth/token`, spaceSeparatedScope),
    async getUser(tokens, client) {
      const response = await client.fetch(`${api}/graphql`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens.accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ query: VIEWER }),
      });
      const answer = (await readJSON(response)) as {
        data?: { viewer?: unknown };
        errors?: unknown;
      };
      // GraphQL reports errors in the body, sometimes with HTTP 200.
      if (answer?.errors) throw new OAuthRequestError('graphql_error', null, response.status);
      return profileFrom<LinearUser>('Linear viewer', answer?.data?.viewer, {
        id: 'id',
        idFormat: UUID,
        username: 'displayName',
        name: 'name',
        avatarURL: 'avatarUrl',
      });
    },
  });
  return editAuthorizationURL(provider, commaScopes); // Linear separates scopes with commas
}
