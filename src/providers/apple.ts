import { baseURL, defineProvider } from '../oauth/define-provider.ts';
import type { OIDCUser } from '../oauth/oidc-user.ts';
import { isTrueFlag, joinName } from '../oauth/profile-fields.ts';
import type { OAuthProvider, OAuthTokens, ProviderConfig } from '../oauth/provider.ts';
import { appleClientSecret, withAppleClientSecret } from './apple-client-secret.ts';
import { parseAppleUser, type AppleName } from './apple-user.ts';
import type { HostOverrides } from './config-fields.ts';

/** Apple's ID token claims (Apple has no userinfo endpoint). */
export interface AppleUser extends OIDCUser {
  email?: string;
  /** Apple sends `true` or the string `"true"`. */
  email_verified?: boolean | 'true' | 'false';
  /** Whether `email` is a private relay address (`…@privaterelay.appleid.com`); bool or string. */
  is_private_email?: boolean | 'true' | 'false';
  /** The name from the first authorization's `user` field (unsigned; absent on later sign-ins). */
  name?: AppleName | null;
}

/** Configuration of {@link apple}: the client secret is made from the app's `.p8` key. */
export interface AppleConfig
  extends Omit<ProviderConfig, 'clientSecret' | 'clientPrivateKey'>, Pick<HostOverrides, 'issuer'> {
  /** The Services ID (web sign-in) or the app's bundle id. */
  clientId: string;
  teamId: string;
  keyId: string;
  /** The `.p8` file's text (`-----BEGIN PRIVATE KEY-----`). */
  privateKey: string;
  /** Seconds each client secret lives (renewed at half-life). Default 3600, at most 6 months. */
  clientSecretLifetime?: number;
  /** Clock of the client secret, for tests. Default `Date.now`. */
  now?: () => number;
}

export type AppleProvider = OAuthProvider<AppleUser, 'apple'>;

/**
 * Sign in with Apple (OpenID Connect; default scopes `openid email name`, `response_mode=form_post`
 * whenever `name` or `email` is asked for: the callback is then a cross-site POST).
 * @throws TypeError on a bad configuration (team id, key id, key text, lifetime, issuer)
 * @see https://developer.apple.com/documentation/signinwithapplerestapi
 */
export function apple(config: AppleConfig): AppleProvider {
  const issuer = baseURL('issuer', config.issuer, 'https://appleid.apple.com');
  // `now` is the client secret's clock only, never the OAuth client's.
  const { now, ...rest } = config;
  const lifetime = config.clientSecretLifetime;
  const secret = appleClientSecret({ ...rest, now, audience: issuer, lifetime });
  const base = defineProvider<AppleUser, 'apple'>(
    { ...rest, clientSecret: null },
    {
      id: 'apple',
      name: 'Apple',
      issuer,
      scopes: ['openid', 'email', 'name'],
      clientAuthMethod: 'none', // client_id in the body; the fetch below adds the secret
      // Apple takes the secret in the body (client_secret_post) of its token and revocation calls.
      fetch: (send) => withAppleClientSecret(send, issuer, secret),
      openid: { userInfo: 'never' },
      profile: {
        emailVerified: (user) => isTrueFlag(user.email_verified),
        name: (user) => joinName(user.name?.firstName, user.name?.lastName),
        username: () => null,
        avatarURL: () => null,
      },
    },
  );
  // The name of a sign-in, by its tokens: the callback hands the same object to getUser.
  const names = new WeakMap<OAuthTokens, AppleName>();
  return {
    ...base,
    formPostCallback: true,
    createAuthorizationURL: (o) => {
      const scopes = o.scopes ?? base.defaultScopes;
      // Apple requires form_post when it is to release the name or the email.
      const formPost = scopes.includes('name') || scopes.includes('email');
      const params = formPost ? { ...o.params, response_mode: 'form_post' } : o.params;
      return base.createAuthorizationURL({ ...o, params });
    },
    validateAuthorizationCode: async (o) => {
      const tokens = await base.validateAuthorizationCode(o);
      const name = parseAppleUser(o.callbackURL.searchParams.get('user'));
      if (name !== null) names.set(tokens, name);
      return tokens;
    },
    getUser: (tokens) => {
      const claims = tokens.idTokenClaims;
      if (claims === null) return base.getUser(tokens);
      // `name` is only ever the parsed form field (or null), whatever the claims hold.
      const name = names.get(tokens) ?? null;
      return base.getUser({ ...tokens, idTokenClaims: { ...claims, name } });
    },
  };
}
