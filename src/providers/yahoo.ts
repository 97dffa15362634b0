import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import type { OIDCClaims } from '../oauth/oidc-user.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import type { ConfidentialConfig, HostOverrides } from './config-fields.ts';
import { rewriteAnswers } from './rewrite-json.ts';

/** Yahoo's ID token claims merged with `/openid/v1/userinfo` (same `sub`, checked). */
export interface YahooUser extends OIDCClaims {
  locale?: string;
}

export interface YahooConfig extends ConfidentialConfig, Pick<HostOverrides, 'issuer'> {
  /**
   * PKCE. Default `false`: Yahoo does not document it, its discovery lists no challenge method,
   * and confidential clients sending one are reported to be refused. The OIDC nonce still binds
   * the code to this sign-in.
   */
  pkce?: boolean;
}

export type YahooProvider = OAuthProvider<YahooUser, 'yahoo'>;

/**
 * Sign in with Yahoo (OpenID Connect; default scopes `openid profile email`). ID tokens are
 * ES256-signed although discovery also lists RS256, so the algorithm is pinned.
 * @see https://developer.yahoo.com/oauth2/guide/openid_connect/
 */
export function yahoo(config: YahooConfig): YahooProvider {
  const issuer = baseURL('issuer', config.issuer, 'https://api.login.yahoo.com');
  const options = {
    ...config,
    pkce: config.pkce ?? false,
    idTokenSigningAlg: 'ES256', // Yahoo's JWKS has RSA and EC keys; ID tokens use the EC key
  };
  return defineProvider(options, {
    id: 'yahoo',
    name: 'Yahoo',
    issuer,
    scopes: ['openid', 'profile', 'email'],
    openid: true,
    // Discovery names the revocation endpoint `token_revocation_endpoint`; this publishes it
    // under RFC 8414's `revocation_endpoint` too, so `revokeToken` finds it.
    fetch: (base) =>
      rewriteAnswers(base, `${issuer}/.well-known/openid-configuration`, (json) =>
        typeof json.token_revocation_endpoint === 'string' && !('revocation_endpoint' in json)
          ? { ...json, revocation_endpoint: json.token_revocation_endpoint }
          : null,
      ),
  });
}
