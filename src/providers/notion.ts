import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { OAuthResponseError } from '../oauth/errors.ts';
import { profileFrom, type PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider, OAuthTokens } from '../oauth/provider.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';

/** The person who authorized: `owner.user` of Notion's token answer. */
export interface NotionUser extends PassThroughFields {
  object: 'user';
  /** A UUID: the same person in every workspace. */
  id: string;
  type?: 'person';
  name?: string | null;
  avatar_url?: string | null;
  /** Notion documents no verification for this address. */
  person?: { email?: string };
}

/** What Notion's token answer carries besides the tokens (on `tokens.extra`). */
export interface NotionTokenExtra {
  bot_id: string;
  workspace_id: string;
  workspace_name: string | null;
  workspace_icon: string | null;
  owner: { type: 'user'; user: NotionUser } | { type: 'workspace'; workspace: true };
}

/** Configuration of {@link notion} (a public connection's OAuth client id and secret). */
export interface NotionConfig extends ConfidentialConfig, Pick<HostOverrides, 'baseURL'> {
  /** `Notion-Version` sent to the OAuth endpoints. Default `2025-09-03`. */
  notionVersion?: string;
}

export type NotionProvider = OAuthProvider<NotionUser, 'notion'>;
const ID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/;

/**
 * Sign in with Notion (a public connection; OAuth 2.0 with `owner=user`, no scopes: pages are
 * picked on the consent screen). The user comes only in the token answer, as `owner.user`;
 * `tokens.extra` keeps the workspace and bot ids. Refresh tokens rotate.
 * @see https://developers.notion.com/docs/authorization
 * @see https://developers.notion.com/reference/create-a-token
 */
export function notion(config: NotionConfig): NotionProvider {
  const api = baseURL('baseURL', config.baseURL, 'https://api.notion.com');
  const [token, revoke] = [`${api}/v1/oauth/token`, `${api}/v1/oauth/revoke`];
  const version = config.notionVersion ?? '2025-09-03';
  return defineProvider(config, {
    id: 'notion',
    name: 'Notion',
    issuer: api,
    scopes: [],
    params: { owner: 'user' },
    endpoints: {
      authorizationEndpoint: `${api}/v1/oauth/authorize`,
      tokenEndpoint: token,
      revocationEndpoint: revoke,
    },
    // Notion's OAuth endpoints take JSON bodies (HTTP Basic stays as oauth4webapi sends it).
    fetch: (base) => (input, init) => {
      if (![token, revoke].includes(String(input)) || !(init?.body instanceof URLSearchParams))
        return base(input, init);
      const headers = { ...(init.headers as Record<string, string>) };
      headers['content-type'] = 'application/json';
      headers['notion-version'] = version;
      return base(input, { ...init, headers, body: JSON.stringify(Object.fromEntries(init.body)) });
    },
    async getUser(tokens: OAuthTokens) {
      const owner = (tokens.extra as Partial<NotionTokenExtra> | undefined)?.owner;
      // No API call returns the authorizing person: only the code exchange's answer names them.
      if (owner?.type !== 'user') {
        throw new OAuthResponseError('Notion named no owner user with these tokens');
      }
      // `person.email` stays on the user only: Notion documents no verification of it.
      return profileFrom<NotionUser>('Notion token owner', owner.user, {
        id: 'id',
        idFormat: ID,
        name: 'name',
        avatarURL: 'avatar_url',
      });
    },
  });
}
