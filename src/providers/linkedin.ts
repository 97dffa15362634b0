import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import { OIDCClient } from '../oauth/oidc-client.ts';
import { oidcUser, standardClaims, type OIDCClaims } from '../oauth/oidc-user.ts';
import { profileFrom, type ProfileFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';

/** LinkedIn's ID token claims merged with `GET /v2/userinfo` (same `sub`, checked). */
export interface LinkedInUser extends OIDCClaims {
  /** The member id, specific to this application. */
  sub: string;
  /** An object here, not an OIDC language tag: `{ country: "US", language: "en" }`. */
  locale?: { country?: string; language?: string } | string;
}

export interface LinkedInConfig extends ConfidentialConfig, Pick<HostOverrides, 'issuer'> {}

export type LinkedInProvider = OAuthProvider<LinkedInUser, 'linkedin'>;

// LinkedIn has no username; the email is not one.
const FIELDS: ProfileFields<LinkedInUser> = { ...standardClaims, username: () => null };

/**
 * Sign In with LinkedIn using OpenID Connect (default scopes `openid profile email`) without nonce
 * or PKCE, which LinkedIn does not support here; the ID token is still verified.
 * @see https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
 */
export function linkedin(config: LinkedInConfig): LinkedInProvider {
  const issuer = baseURL('issuer', config.issuer, 'https://www.linkedin.com/oauth');
  // LinkedIn wants client_id and client_secret in the body; `pkce` stays opt-in (native apps
  // that LinkedIn enabled for PKCE).
  const auth = { clientAuthMethod: 'client_secret_post', pkce: config.pkce ?? false } as const;
  return defineProvider(config, {
    id: 'linkedin',
    name: 'LinkedIn',
    issuer,
    scopes: ['openid', 'profile', 'email'],
    client: () => new OIDCClient(issuer, { ...config, ...auth }),
    // Not `openid`: that would send and demand a nonce LinkedIn never returns.
    async getUser(tokens, client) {
      const user = await oidcUser(client, tokens, { who: 'LinkedIn', userInfo: 'required' });
      return profileFrom('LinkedIn /v2/userinfo', user, FIELDS);
    },
  });
}
