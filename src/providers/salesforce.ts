import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import type { OIDCClaims } from '../oauth/oidc-user.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';

/** Salesforce's ID token claims merged with `/services/oauth2/userinfo`. */
export interface SalesforceUser extends OIDCClaims {
  /** The identity URL: `https://{host}/id/{organization_id}/{user_id}`. */
  sub: string;
  organization_id: string;
  user_id: string;
  /** The Salesforce username (an email-shaped login name, not an email address). */
  preferred_username?: string;
  photos?: { picture?: string; thumbnail?: string };
}

/** What Salesforce's token answers carry besides the tokens (on `tokens.extra`). */
export interface SalesforceTokenExtra {
  /** The org's instance: the base URL for its REST API. */
  instance_url: string;
  /** The identity URL (same as `sub`). */
  id: string;
  issued_at: string;
  signature: string;
}

/** Configuration of {@link salesforce}. No `clientSecret` for a PKCE-only connected app. */
export interface SalesforceConfig extends ProviderConfig {
  /** `production` (login.salesforce.com, default) or `sandbox` (test.salesforce.com). */
  environment?: 'production' | 'sandbox';
  /** An org's My Domain login URL (`https://acme.my.salesforce.com`); wins over `environment`. */
  myDomain?: string;
}

export type SalesforceProvider = OAuthProvider<SalesforceUser, 'salesforce'>;
const HOSTS = {
  production: 'https://login.salesforce.com',
  sandbox: 'https://test.salesforce.com',
};

/**
 * Sign in with Salesforce (OpenID Connect by discovery; default scopes `openid profile email
 * refresh_token`, PKCE S256). `tokens.extra.instance_url` is the org's API base URL.
 * @throws TypeError on a bad configuration (missing client id, non-https My Domain)
 * @see https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_using_openid_discovery_endpoint.htm
 * @see https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_web_server_flow.htm
 */
export function salesforce(config: SalesforceConfig): SalesforceProvider {
  const issuer = baseURL('myDomain', config.myDomain, HOSTS[config.environment ?? 'production']);
  return defineProvider(config, {
    id: 'salesforce',
    name: 'Salesforce',
    issuer,
    scopes: ['openid', 'profile', 'email', 'refresh_token'],
    // Salesforce documents the client secret in the form body.
    clientAuthMethod: config.clientSecret ? 'client_secret_post' : 'none',
    // The org and user ids are userinfo claims, not in every ID token.
    openid: { userInfo: 'required' },
    profile: {
      required: ['organization_id', 'user_id'],
      // One key for the user whatever login host issued `sub`: org id and user id.
      id: (user) => `${user.organization_id}/${user.user_id}`,
      idFormat: /^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?\/005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/,
      avatarURL: (user) => user.photos?.picture ?? user.picture,
    },
  });
}
