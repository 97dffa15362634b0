import { baseURL, defineProvider, withProviderNamed } from '../oauth/define-provider.ts';
import { OAuthResponseError } from '../oauth/errors.ts';
import { profileFrom, text } from '../oauth/profile-fields.ts';
import type { OIDCUser } from '../oauth/oidc-user.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';
import { readJSON } from '../oauth/transport.ts';
import { LineClient } from './line-client.ts';

/** LINE's ID token claims, with `GET /v2/profile` merged in when `profile` was granted. */
export interface LineUser extends OIDCUser {
  /** The user id for this provider (channel group): `U` and 32 hex digits. */
  sub: string;
  name?: string;
  picture?: string;
  /** Only for channels with the email permission and the `email` scope; never marked verified. */
  email?: string;
  displayName?: string;
  pictureUrl?: string;
  statusMessage?: string;
}

/** Configuration of {@link line}: the channel id and channel secret (web login needs both). */
export interface LineConfig extends ProviderConfig {
  clientSecret: string;
  /** Authorization server and ID token issuer override (a local double). Default `https://access.line.me`. */
  issuer?: string;
  /** API host override (token, profile, revoke). Default `https://api.line.me`. */
  apiURL?: string;
}

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
  const client = withProviderNamed(config, { id: 'line', name: 'LINE' }, () => {
    return new LineClient(issuer, api, config);
  });
  return defineProvider(config, {
    id: 'line',
    name: 'LINE',
    issuer,
    scopes: ['openid', 'profile', 'email'],
    client,
    openid: { userInfo: 'never' },
    async getUser(tokens) {
      const claims = tokens.idTokenClaims as LineUser | null;
      if (!claims) throw new OAuthResponseError('LINE returned no validated ID token');
      let user: LineUser = claims;
      if (tokens.scopes.includes('profile')) {
        const answer = (await client.fetchJSON(`${api}/v2/profile`, tokens.accessToken)) as Record<
          string,
          unknown
        > | null;
        // The profile must be the ID token's user, or it is not this sign-in's profile.
        if (answer?.userId !== claims.sub)
          throw new OAuthResponseError('LINE /v2/profile answered for another user');
        user = { ...claims, ...answer, sub: claims.sub };
      }
      return profileFrom('LINE', user, {
        id: 'sub',
        idFormat: /^U[0-9a-f]{32}$/,
        name: (u) => text(u.displayName) ?? u.name,
        avatarURL: (u) => text(u.pictureUrl) ?? u.picture,
        username: () => null, // LINE has no username
        // LINE documents no verification of the address (there is no `email_verified`).
        email: 'email',
      });
    },
    // LINE's revoke takes the token as `access_token`, with the channel id and secret.
    async revokeToken(token) {
      const body = new URLSearchParams({
        access_token: token,
        client_id: config.clientId,
        client_secret: config.clientSecret,
      });
      await readJSON(await client.fetch(`${api}/oauth2/v2.1/revoke`, { method: 'POST', body }));
    },
  });
}
