import { invalidArgument } from '../core/errors.ts';
import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import type { PassThroughFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider, ProviderConfig } from '../oauth/provider.ts';
import type { HostOverrides } from './config-fields.ts';

/** Login with Amazon's `GET /user/profile` (fields depend on the scopes granted). */
export interface AmazonUser extends PassThroughFields {
  /** `amzn1.account.…`: the same for every app of one developer. */
  user_id: string;
  /** With the `profile` scope. */
  name?: string;
  /** With the `profile` scope: the address registered with Amazon (no verification stated). */
  email?: string;
  /** With the `postal_code` scope. */
  postal_code?: string;
}

/** Amazon's regions: North America, Europe, Far East. */
export type AmazonRegion = 'NA' | 'EU' | 'FE';

/** Configuration of {@link amazon}. No `clientSecret` for a browser or app client (PKCE only). */
export interface AmazonConfig extends ProviderConfig, Pick<HostOverrides, 'authURL' | 'apiURL'> {
  /** The region whose endpoints are used (and the hosts' defaults). Default `NA`. */
  region?: AmazonRegion;
}

export type AmazonProvider = OAuthProvider<AmazonUser, 'amazon'>;

const REGIONS: Record<AmazonRegion, [auth: string, api: string]> = {
  NA: ['https://www.amazon.com', 'https://api.amazon.com'],
  EU: ['https://eu.account.amazon.com', 'https://api.amazon.co.uk'],
  FE: ['https://apac.account.amazon.com', 'https://api.amazon.co.jp'],
};

/**
 * Login with Amazon (OAuth 2.0; default scope `profile`, PKCE S256; no verified email).
 * @throws TypeError on a bad configuration (unknown region, missing client id, non-https URLs)
 * @see https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html
 * @see https://developer.amazon.com/docs/login-with-amazon/obtain-customer-profile.html
 */
export function amazon(config: AmazonConfig): AmazonProvider {
  const region = config?.region ?? 'NA';
  if (!Object.hasOwn(REGIONS, region)) invalidArgument('region', 'must be NA, EU or FE');
  const auth = baseURL('authURL', config.authURL, REGIONS[region][0]);
  const api = baseURL('apiURL', config.apiURL, REGIONS[region][1]);
  return defineProvider(config, {
    id: 'amazon',
    name: 'Amazon',
    issuer: auth, // per region: Amazon does not document one user_id in every region
    scopes: ['profile'],
    clientAuthMethod: config.clientSecret ? 'client_secret_post' : 'none', // as Amazon documents
    endpoints: {
      authorizationEndpoint: `${auth}/ap/oa`,
      tokenEndpoint: `${api}/auth/o2/token`,
      userInfoEndpoint: `${api}/user/profile`,
    },
    profile: {
      id: 'user_id',
      idFormat: /^amzn1\.account\.[A-Za-z0-9]+$/,
      name: 'name',
    },
  });
}
