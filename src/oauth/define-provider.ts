// The one definition every provider is declared over: a provider file states its data (id,
// issuer, default scopes, the client for its endpoints, profile mapping, quirks) and this turns
// it into an OAuthProvider. What every provider does the same way is written here, once.
import type { OAuthClient } from './client.ts';
import type { OAuthProvider, OAuthTokens, ProviderConfig, ProviderProfile } from './provider.ts';

/** What a provider file declares. */
export interface ProviderDefinition<User, Id extends string> {
  /** The provider id used in routes and account keys (`github`, `google`, ...). */
  id: Id;
  /** Human name for buttons ("GitHub"). */
  name: string;
  /** Issuer identifier stored in the account key. */
  issuer: string;
  /** The scopes requested when the configuration names none. */
  scopes: readonly string[];
  /** The client for the provider's endpoints (explicit metadata, or OIDC discovery). */
  client: OAuthClient;
  /** OpenID Connect: a nonce on every request and a validated ID token on every callback. */
  openid?: boolean;
  /** Authorization parameters the provider needs on every request (`access_type`...). */
  params?: Readonly<Record<string, string>>;
  /** Checks every token response (code exchange and refresh) beyond the protocol's checks. */
  checkTokens?: (tokens: OAuthTokens) => OAuthTokens;
  /** Maps the provider's user to a profile; `providerUserId` must be stable and unique. */
  getUser(tokens: OAuthTokens): Promise<{ profile: ProviderProfile; user: User }>;
  /** Replaces RFC 7009 revocation, for a provider with its own revocation API. */
  revokeToken?: (token: string) => Promise<void>;
}

/**
 * Builds a provider from its definition and the app's configuration: default and allowed
 * scopes, PKCE, nonce and extra parameters on the authorization URL, token checks after the
 * code exchange and every refresh.
 */
export function defineProvider<User, Id extends string>(
  config: ProviderConfig,
  definition: ProviderDefinition<User, Id>,
): OAuthProvider<User, Id> {
  checkProviderId(definition.id);
  const { client, openid = false, params, checkTokens = (t: OAuthTokens) => t } = definition;
  const defaultScopes = config.scopes ?? definition.scopes;
  return {
    id: definition.id,
    name: definition.name,
    issuer: definition.issuer,
    defaultScopes,
    allowedScopes: config.allowedScopes ?? defaultScopes,
    pkce: client.pkce,
    createAuthorizationURL: (o) =>
      client.createAuthorizationURL({
        ...o,
        scopes: o.scopes ?? defaultScopes,
        params: params ? { ...params, ...o.params } : o.params,
        nonce: openid,
      }),
    validateAuthorizationCode: async (o) =>
      checkTokens(await client.validateAuthorizationCode({ ...o, openid })),
    refreshAccessToken: async (token, o) => checkTokens(await client.refreshAccessToken(token, o)),
    revokeToken: definition.revokeToken ?? ((token) => client.revokeToken(token)),
    getUser: (tokens) => definition.getUser(tokens),
  };
}

/** @throws TypeError unless `id` is 1-64 lowercase letters, digits, `_` or `-` (routes, keys) */
export function checkProviderId(id: unknown): void {
  if (typeof id !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(id)) {
    throw new TypeError('latchkey: "id" must be 1-64 lowercase letters, digits, _ or -');
  }
}

/** A non-empty string, or `null`: providers send `""` and `null` for "not set". */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * The profile's email fields: an address only when the provider says it verified it (a
 * provider-supplied but unverified address must never link or create an account).
 */
export function verifiedEmail(
  email: unknown,
  verified: boolean,
): Pick<ProviderProfile, 'email' | 'emailVerified'> {
  const address = text(email);
  return verified && address !== null
    ? { email: address, emailVerified: true }
    : { email: null, emailVerified: false };
}
