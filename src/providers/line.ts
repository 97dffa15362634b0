import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { profileFrom } from '../oauth/profile-fields.ts';
import { checkSameUser, oidcUser, type OIDCClaims } from '../oauth/oidc-user.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { readJSON } from '../oauth/transport.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';
import { LineClient } from './line-client.ts';

/** LINE's ID token claims, with `GET /v2/profile` merged in when `profile` was granted. */
export interface LineUser extends OIDCClaims {
  /** The user id for this provider (channel group): `U` and 32 hex digits. */
  sub: string;
  /** Only for channels with the email permission and the `email` scope; never marked verified. */
  email?: string;
  displayName?: string;
  pictureUrl?: string;
  statusMessage?: string;
}

/** Configuration of {@link line}: the channel id and channel secret (web login needs both). */
export interface LineConfig extends ConfidentialConfig, Pick<HostOverrides, 'issuer' | 'apiURL'> {}

export type LineProvider = OAuthProvider<LineUser, 'line'>;

/**
 * Sign in with LINE (LINE Login v2.1, OpenID Connect; default scopes `openid profile email`,
 * PKCE S256, nonce). Web login ID tokens are HS256-signed with the channel secret.
 * @throws TypeError on a bad configuration (missing channel id or secret, non-https URL)
 * @see https://developers.line.biz/en/docs/line-login/integrate-line-login/
 * @see https://developers.line.biz/en/docs/line-login/verify-id-token/
 */
export function line(config: LineConfig): LineProvider {
  const issuer = baseURL('issuer', config.issuer, 'https://access.line.me');
  const api = baseURL('apiURL', config.apiURL, 'https://api.line.me');
  return defineProvider(config, {
    id: 'line',
    name: 'LINE',
    issuer,
    scopes: ['openid', 'profile', 'email'],
    client: () => new LineClient(issuer, api, config),
    openid: { userInfo: 'never' },
    async getUser(tokens, client) {
      let user = (await oidcUser(client, tokens, { who: 'LINE', userInfo: 'never' })) as LineUser;
      if (tokens.scopes.includes('profile')) {
        const answer = (await client.fetchJSON(`${api}/v2/profile`, tokens.accessToken)) as {
          userId?: unknown;
        } | null;
        checkSameUser(tokens, answer?.userId, 'LINE /v2/profile');
        user = { ...user, ...answer, sub: user.sub };
      }
      return profileFrom('LINE', user, {
        id: 'sub',
        idFormat: /^U[0-9a-f]{32}$/,
        name: ['displayName', 'name'],
        avatarURL: ['pictureUrl', 'picture'],
        username: () => null, // LINE has no username
        // LINE documents no verification of the address (there is no `email_verified`).
        email: 'email',
      });
    },
    // LINE's revoke takes the token as `access_token`, with the channel id and secret.
    async revokeToken(token, client) {
      const body = new URLSearchParams({
        access_token: token,
        client_id: config.clientId,
        client_secret: config.clientSecret,
      });
      await readJSON(await client.fetch(`${api}/oauth2/v2.1/revoke`, { method: 'POST', body }));
    },
  });
}
