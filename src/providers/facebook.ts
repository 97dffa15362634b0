import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { profileFrom, type PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { readJSON } from '../oauth/transport.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';
import { appSecretProof, graphErrors } from './facebook-graph.ts';

/** Graph API `GET /me?fields=id,name,email,picture` (the rest of `fields` is passed through). */
export interface FacebookUser extends PassThroughFields {
  /** An app-scoped user id (digits, as a string). */
  id: string;
  name?: string;
  /** The primary address on the profile, when Facebook has a valid one and `email` is granted. */
  email?: string;
  picture?: { data?: { url?: string; is_silhouette?: boolean } };
}

/** Configuration of {@link facebook}: `clientSecret` is the app secret. */
export interface FacebookConfig extends ConfidentialConfig, Pick<HostOverrides, 'webURL'> {
  /** The Graph API version every URL is pinned to. Default `v23.0`. */
  graphVersion?: string;
  /** `/me` fields. Default `id,name,email,picture`. */
  fields?: readonly string[];
  /** Graph API origin override (a local double). Default `https://graph.facebook.com`. */
  graphURL?: string;
}

export type FacebookProvider = OAuthProvider<FacebookUser, 'facebook'>;

/**
 * Facebook Login (OAuth 2.0, manually built flow; default scopes `public_profile email`).
 * Graph calls carry `appsecret_proof`. No refresh tokens; no verified email (see the docs).
 * @throws TypeError on a bad configuration (missing secret, bad version, non-https URL)
 * @see https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow
 */
export function facebook(config: FacebookConfig): FacebookProvider {
  const version = config.graphVersion ?? 'v23.0';
  if (!/^v\d{1,3}\.\d{1,2}$/.test(version))
    throw new TypeError('latchkey: "graphVersion" must look like "v23.0"');
  const web = baseURL('webURL', config.webURL, 'https://www.facebook.com');
  const graph = baseURL('graphURL', config.graphURL, 'https://graph.facebook.com');
  const tokenURL = `${graph}/${version}/oauth/access_token`;
  const fields = (config.fields ?? ['id', 'name', 'email', 'picture']).join(',');
  // Every Graph call is signed: with "Require App Secret" on, a stolen token alone is useless.
  const api = async (path: string, token: string) =>
    `${graph}/${version}${path}${path.includes('?') ? '&' : '?'}appsecret_proof=${await appSecretProof(token, config.clientSecret)}`;
  return defineProvider(config, {
    id: 'facebook',
    name: 'Facebook',
    issuer: web, // Facebook Login has no issuer identifier (its OIDC is for Limited Login)
    scopes: ['public_profile', 'email'],
    clientAuthMethod: 'client_secret_post',
    endpoints: { authorizationEndpoint: `${web}/${version}/dialog/oauth`, tokenEndpoint: tokenURL },
    fetch: (base) => graphErrors(base, graph, tokenURL),
    async getUser(tokens, client) {
      const url = await api(`/me?fields=${encodeURIComponent(fields)}`, tokens.accessToken);
      const answer = await client.fetchJSON(url, tokens.accessToken);
      return profileFrom<FacebookUser>('Facebook /me', answer, {
        id: 'id',
        idFormat: /^[0-9]{1,25}$/,
        name: 'name',
        avatarURL: (user) => user.picture?.data?.url,
        username: () => null,
        // No email: Facebook states no verification it stands behind.
      });
    },
    // No RFC 7009 endpoint: deleting the app's permissions logs the person out of the app.
    async revokeToken(token, client) {
      const url = await api('/me/permissions', token);
      const headers = { authorization: `Bearer ${token}` };
      await readJSON(await client.fetch(url, { method: 'DELETE', headers }));
    },
  });
}
