import { invalidArgument } from '../core/errors.ts';
import { baseURL } from '../oauth/define-provider.ts';
import type { OIDCClaims } from '../oauth/oidc-user.ts';
import { isTrueFlag } from '../oauth/profile-fields.ts';
import type { OAuthProvider } from '../oauth/provider.ts';
import { oidcPlatform, segment, type PlatformConfig } from './oidc-platform.ts';

/**
 * Cognito's ID token claims merged with `/oauth2/userInfo` (the signed claims win);
 * `email_verified` is a boolean in ID tokens, the string `"true"`/`"false"` in userinfo answers.
 */
export interface CognitoUser extends OIDCClaims<boolean | 'true' | 'false'> {
  /** The user's UUID in the pool. */
  sub: string;
  'cognito:username'?: string;
  'cognito:groups'?: string[];
}

/** Configuration of {@link cognito}. No `clientSecret` for an app client without one. */
export interface CognitoConfig extends Omit<PlatformConfig, 'offlineAccess'> {
  /** The pool's AWS region: `eu-west-1`. */
  region: string;
  /** The user pool id: `eu-west-1_AbCdEf123`. */
  userPoolId: string;
  /** The Cognito identity service URL (a local double). Default `https://cognito-idp.{region}.amazonaws.com`. */
  serviceURL?: string;
}

export type CognitoProvider = OAuthProvider<CognitoUser, 'cognito'>;

/**
 * Sign in with an Amazon Cognito user pool (OpenID Connect: the pool is the issuer, whose discovery
 * names the endpoints on the pool's domain). Default scopes `openid profile email`, PKCE S256.
 * @throws TypeError on a bad configuration (region, user pool id, client id)
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html
 */
export function cognito(config: CognitoConfig): CognitoProvider {
  const region = segment('region', config?.region, /^[a-z]{2}(-[a-z]+)+-\d$/);
  const pool = segment('userPoolId', config.userPoolId, /^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+$/);
  if (!pool.startsWith(`${region}_`)) invalidArgument('userPoolId', 'is not in "region"');
  const idp = `https://cognito-idp.${region}.amazonaws.com`;
  const service = baseURL('serviceURL', config.serviceURL, idp);
  return oidcPlatform<CognitoUser, 'cognito'>(config, {
    id: 'cognito',
    name: 'Amazon Cognito',
    issuer: `${service}/${pool}`,
    openid: { userInfo: 'optional', signedClaimsWin: true },
    profile: {
      username: ['cognito:username', 'preferred_username'],
      emailVerified: (user) => isTrueFlag(user.email_verified), // userinfo sends a string
    },
  });
}
