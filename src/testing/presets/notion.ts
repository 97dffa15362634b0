// Notion public connections: OAuth 2.0 at api.notion.com/v1/oauth, as Notion documents it.
import type { ProviderPreset, TestUser } from '../preset.ts';
import { oauth2Preset } from './oauth2.ts';

const AUTH = 'https://developers.notion.com/docs/authorization';
const TOKEN = 'https://developers.notion.com/reference/create-a-token';

/** `owner.user` of the token answer (a `person` user object). */
function ownerUser(user: TestUser): Record<string, unknown> {
  return {
    object: 'user',
    id: user.id,
    type: 'person',
    name: user.name ?? null,
    avatar_url: user.avatarURL ?? null,
    person: user.email == null ? {} : { email: user.email },
    ...user.claims,
  };
}

/** Notion: no userinfo endpoint, the user in the token answer; JSON bodies; rotating refresh. */
export const notionPreset: ProviderPreset = {
  ...oauth2Preset,
  id: 'notion',
  name: 'Notion',
  paths: { authorize: '/v1/oauth/authorize', token: '/v1/oauth/token', revoke: '/v1/oauth/revoke' },
  clientAuth: ['client_secret_basic'],
  pkce: 'ignored',
  tokenType: 'bearer',
  accessTokenLifetime: null,
  refresh: { issue: 'always', rotate: true },
  tokenExtras: (user) => ({
    bot_id: 'b3414d65-9122-45e7-8ffa-cc9d8773d601',
    workspace_id: 'f565e4d7-2882-41b5-864a-339d9bc36f7a',
    workspace_name: "Ada's Notion Workspace",
    workspace_icon: 'https://www.notion.example/images/workspace.png',
    owner: { type: 'user', user: ownerUser(user) },
    duplicated_template_id: null,
    request_id: '3c90c3cc-0d44-4b50-8888-8dd25736052a',
    scope: undefined, // Notion has no scopes
  }),
  user: ownerUser,
  quirks: [
    {
      why: 'The token, refresh and revoke requests use HTTP Basic client authentication and a JSON body (the double accepts JSON and form; the provider test asserts JSON).',
      source: TOKEN,
    },
    {
      why: 'The authorizing person is owner.user of the token answer (with workspace_id, bot_id); there is no userinfo endpoint for them.',
      source: TOKEN,
    },
    {
      why: 'owner=user on the authorization URL; no scopes (pages are chosen on the consent screen).',
      source: AUTH,
    },
    {
      why: 'A refresh returns a new access token and a new refresh token (rotation). The answer shows no expires_in: the double sends none.',
      source: 'https://developers.notion.com/reference/refresh-a-token',
    },
    {
      why: 'Revocation is POST /v1/oauth/revoke with Basic auth and {token}; answers {request_id}.',
      source: 'https://developers.notion.com/reference/revoke-token',
    },
    {
      why: 'Docs are silent on PKCE and on whether person.email is verified; the double ignores PKCE.',
      source: AUTH,
    },
  ],
};
