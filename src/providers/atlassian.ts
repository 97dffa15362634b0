import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import type { PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';

/** Atlassian's `GET https://api.atlassian.com/me` (the fields latchkey reads; the rest passes). */
export interface AtlassianUser extends PassThroughFields {
  /** The Atlassian account id, stable across every site and product. */
  account_id: string;
  /** `atlassian`, `app` or `customer`. */
  account_type?: string;
  account_status?: string;
  name?: string;
  nickname?: string;
  picture?: string;
  /** Absent when the person's profile visibility hides it. */
  email?: string;
  /** Not in Atlassian's documented answer: the email counts only if this is ever `true`. */
  email_verified?: boolean;
}

export interface AtlassianConfig
  extends ConfidentialConfig, Pick<HostOverrides, 'authURL' | 'apiURL'> {}

export type AtlassianProvider = OAuthProvider<AtlassianUser, 'atlassian'>;

/**
 * Sign in with Atlassian (OAuth 2.0 "3LO"; default scopes `read:me offline_access`), with the
 * `audience` and `prompt=consent` Atlassian requires. Refresh tokens rotate.
 * @see https://developer.atlassian.com/cloud/oauth/getting-started/implementing-oauth-3lo/
 */
export function atlassian(config: AtlassianConfig): AtlassianProvider {
  const auth = baseURL('authURL', config.authURL, 'https://auth.atlassian.com');
  const api = baseURL('apiURL', config.apiURL, 'https://api.atlassian.com');
  return defineProvider(config, {
    id: 'atlassian',
    name: 'Atlassian',
    issuer: auth,
    scopes: ['read:me', 'offline_access'],
    params: { audience: 'api.atlassian.com', prompt: 'consent' },
    endpoints: {
      authorizationEndpoint: `${auth}/authorize`,
      tokenEndpoint: `${auth}/oauth/token`,
      userInfoEndpoint: `${api}/me`,
    },
    profile: {
      id: 'account_id',
      idFormat: /^[A-Za-z0-9:_-]{1,128}$/,
      username: 'nickname',
      name: 'name',
      avatarURL: 'picture',
      email: 'email',
      emailVerified: 'email_verified',
    },
  });
}
