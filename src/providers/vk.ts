import { randomBytes } from 'node:crypto';
import { baseURL, defineProvider, withProviderNamed } from '../oauth/define-provider.ts';
import { endpointClient } from '../oauth/endpoints.ts';
import { configuredFetch } from '../oauth/transport.ts';
import { joinName, profileFrom, type PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';
import { exchangeWithCallback } from '../oauth/callback-grant.ts';
import type { HostOverrides } from './config-fields.ts';
import { vkPost } from './vk-api.ts';
import { bindDevice, checkDeviceId, splitDevice, withoutIdToken } from './vk-tokens.ts';

/** The `user` of VK ID's `POST /oauth2/user_info` (the fields latchkey reads). */
export interface VKUser extends PassThroughFields {
  /** The VK user id, as a string of digits. */
  user_id: string;
  first_name?: string;
  last_name?: string;
  avatar?: string;
  /** With the `email` scope; VK ID documents no verification of it. */
  email?: string;
}

/** Configuration of {@link vk}: `clientId` is the app id (VK ID uses PKCE, no secret). */
export interface VKConfig extends ProviderConfig, Pick<HostOverrides, 'baseURL'> {}

/** The VK ID provider, with VK ID's logout (ends the session, keeps the app's access). */
export type VKProvider = OAuthProvider<VKUser, 'vk'> & {
  signOut(accessToken: string): Promise<void>;
};

// VK ID wants a state on refresh requests too; it only echoes it back.
const freshState = (): string => randomBytes(32).toString('base64url');

/**
 * Sign in with VK ID (id.vk.com, OAuth 2.1: PKCE S256 required; scopes `vkid.personal_info
 * email`). The callback's `device_id` goes into the code exchange and, bound into the refresh
 * token latchkey returns, into every refresh. `revokeToken(accessToken)` revokes the app's access.
 * @throws TypeError on a bad configuration (missing app id, non-https URL, PKCE turned off)
 * @see https://id.vk.com/about/business/go/docs/ru/vkid/latest/vk-id/connection/api-integration/api-description
 */
export function vk(config: VKConfig): VKProvider {
  if (config?.pkce === false) throw new TypeError('latchkey: VK ID requires PKCE');
  const web = baseURL('baseURL', config.baseURL, 'https://id.vk.com');
  const tokenEndpoint = `${web}/oauth2/auth`;
  const fetchFn = withoutIdToken(configuredFetch(config), tokenEndpoint);
  const options = { ...config, fetch: fetchFn, clientAuthMethod: 'none' as const };
  const endpoints = { authorizationEndpoint: `${web}/authorize`, tokenEndpoint };
  const named = { id: 'vk', name: 'VK ID' };
  const client = withProviderNamed(config, named, () => endpointClient(web, endpoints, options));
  const post = (path: string, token: string) => vkPost(config, `${web}${path}`, token);
  const provider = defineProvider<VKUser, 'vk'>(options, {
    id: 'vk',
    name: 'VK ID',
    issuer: web,
    scopes: ['vkid.personal_info', 'email'],
    client,
    async getUser(tokens) {
      const answer = await post('/oauth2/user_info', tokens.accessToken);
      return profileFrom('VK ID /oauth2/user_info', answer?.user, {
        id: 'user_id',
        idFormat: /^[0-9]{1,20}$/,
        name: (u) => joinName(u.first_name, u.last_name),
        avatarURL: 'avatar',
        email: 'email', // never verified: VK ID documents no verification
      });
    },
    revokeToken: async (token) => void (await post('/oauth2/revoke', token)),
  });
  return {
    ...provider,
    async validateAuthorizationCode(o) {
      let deviceId = '';
      const tokens = await exchangeWithCallback(client, o, (callback) => {
        deviceId = checkDeviceId(callback.get('device_id'));
        return { device_id: deviceId, state: callback.get('state')! };
      });
      return bindDevice(tokens, deviceId);
    },
    async refreshAccessToken(refreshToken) {
      const { deviceId, refreshToken: token } = splitDevice(refreshToken);
      const params = { refresh_token: token, device_id: deviceId, state: freshState() };
      return bindDevice(await client.grant('refresh_token', params, 'refresh'), deviceId);
    },
    signOut: async (token) => void (await post('/oauth2/logout', token)),
  };
}
