// The one definition every provider is declared over: a provider file states its data (id,
// issuer, default scopes, its endpoints or client, profile mapping, quirks) and this turns it
// into an OAuthProvider. What every provider does the same way is written here, once.
import { exchangeWithCallback } from './callback-grant.ts';
import type { ClientAuthMethod, OAuthClient } from './client.ts';
import { endpointClient, type ProviderEndpoints } from './endpoints.ts';
import { oidcLogout } from './logout-token.ts';
import { OIDCClient } from './oidc-client.ts';
import { IssuerCheckedOIDCClient, type IssuerCheckedOIDCClientOptions } from './oidc-issuer.ts';
import { oidcUser, standardClaims, type OIDCUserOptions } from './oidc-user.ts';
import { profileFrom, type MappedUser, type ProfileFields } from './profile-fields.ts';
import type { OAuthProvider, OAuthTokens, ProviderConfig } from './provider.ts';
import { checkEndpoint, configuredFetch } from './transport.ts';

/** What a provider file declares. */
export interface ProviderDefinition<User, Id extends string> {
  /** The provider id used in routes and account keys (`github`, `google`, ...). */
  id: Id;
  /** Human name for buttons ("GitHub"). */
  name: string;
  /** Issuer identifier stored in the account key (`''` for a provider without one). */
  issuer: string;
  /** The scopes requested when the configuration names none. */
  scopes: readonly string[];
  /**
   * OpenID Connect: a nonce on every request and a validated ID token on every callback. The user
   * is the ID token's claims merged with userinfo (by default only where discovery lists it).
   */
  openid?: boolean | Omit<OIDCUserOptions, 'who'>;
  /** The endpoints of a provider without a discovery document (OIDC providers discover theirs). */
  endpoints?: ProviderEndpoints;
  /**
   * Or the client for its endpoints: shared with another module, or a function building one of
   * the provider's own class (then a missing `clientId` is named for the provider).
   */
  client?: OAuthClient | (() => OAuthClient);
  /** Default `client_secret_basic` with a secret, `none` without. */
  clientAuthMethod?: ClientAuthMethod;
  /** OIDC: the one `iss` an ID token must carry, when not `issuer` (IssuerCheckedOIDCClient). */
  expectedIssuer?: IssuerCheckedOIDCClientOptions['expectedIssuer'];
  /** OIDC: which discovery document issuer is accepted, when it is not exactly `issuer`. */
  acceptIssuer?: IssuerCheckedOIDCClientOptions['acceptIssuer'];
  /** Authorization parameters the provider needs on every request (`access_type`...). */
  params?: Readonly<Record<string, string>>;
  /**
   * Wraps the configured `fetch` of the client built from `endpoints` or discovery (and so
   * `client.fetch`) to repair the provider's wire quirks: a renamed field, its own error shape.
   */
  fetch?: (fetchFn: typeof fetch) => typeof fetch;
  /** OAuth 2.0 only: callback values the code exchange sends besides the code (Naver's `state`). */
  exchangeParams?: (callback: URLSearchParams) => Record<string, string>;
  /** Checks every token response (code exchange and refresh) beyond the protocol's checks. */
  checkTokens?: (tokens: OAuthTokens) => OAuthTokens;
  /**
   * The profile mapping, as the fields of the user-info endpoint's JSON answer; with `openid`,
   * fields that replace the standard claims' ({@link standardClaims}).
   */
  profile?: Partial<ProfileFields<User>>;
  /** The field of the user-info answer holding the user, when the answer wraps it (`data`). */
  userField?: string;
  /** Fetches and maps the user instead of `profile`; `providerUserId` must be stable and unique. */
  getUser?(tokens: OAuthTokens, client: OAuthClient): Promise<MappedUser<User>>;
  /** Replaces RFC 7009 revocation, for a provider with its own revocation API (over `client`). */
  revokeToken?: (token: string, client: OAuthClient) => Promise<void>;
}

/**
 * Builds a provider from its definition and the app's configuration: the client, default and
 * allowed scopes, PKCE, nonce and extra parameters on the authorization URL, token checks after
 * the code exchange and every refresh, and the user.
 * @throws TypeError on a bad id, issuer, endpoint or client option, or without a way to a client
 */
export function defineProvider<User, Id extends string>(
  config: ProviderConfig,
  definition: ProviderDefinition<User, Id>,
): OAuthProvider<User, Id> {
  checkProviderId(definition.id);
  const { id, name, openid = false, params, checkTokens = (t: OAuthTokens) => t } = definition;
  const client =
    typeof definition.client === 'object'
      ? definition.client
      : withProviderNamed(
          config,
          definition,
          definition.client ?? (() => clientFor(config, definition)),
        );
  const defaultScopes = config.scopes ?? definition.scopes;
  const getUser = definition.getUser ?? userFromProfile(definition);
  return {
    id,
    name,
    issuer: definition.issuer,
    defaultScopes,
    allowedScopes: config.allowedScopes ?? defaultScopes,
    pkce: client.pkce,
    createAuthorizationURL: (o) =>
      client.createAuthorizationURL({
        ...o,
        scopes: o.scopes ?? defaultScopes,
        params: params ? { ...params, ...o.params } : o.params,
        nonce: openid !== false,
      }),
    validateAuthorizationCode: async (o) =>
      checkTokens(
        definition.exchangeParams
          ? await exchangeWithCallback(client, o, definition.exchangeParams)
          : await client.validateAuthorizationCode({ ...o, openid: openid !== false }),
      ),
    refreshAccessToken: async (token, o) => checkTokens(await client.refreshAccessToken(token, o)),
    revokeToken: (token) =>
      definition.revokeToken ? definition.revokeToken(token, client) : client.revokeToken(token),
    getUser: (tokens) => getUser(tokens, client),
    ...(openid && client instanceof OIDCClient ? { logout: oidcLogout(client) } : {}),
  };
}

function clientFor<User>(
  config: ProviderConfig,
  definition: ProviderDefinition<User, string>,
): OAuthClient {
  const { id, issuer, endpoints, openid, expectedIssuer, acceptIssuer } = definition;
  const fetchFn = definition.fetch?.(configuredFetch(config)) ?? config.fetch;
  const options = { clientAuthMethod: definition.clientAuthMethod, ...config, fetch: fetchFn };
  if (endpoints) {
    // oauth4webapi needs a non-empty issuer; this placeholder matches no real `iss`.
    return endpointClient(issuer || `urn:latchkey:no-issuer:${id}`, endpoints, options);
  }
  if (!openid) throw new TypeError('latchkey: a provider needs its endpoints or a client');
  // OpenID Connect: the endpoints come from the issuer's discovery document.
  return expectedIssuer
    ? new IssuerCheckedOIDCClient(issuer, { ...options, expectedIssuer, acceptIssuer })
    : new OIDCClient(issuer, options);
}

/**
 * Builds a provider's client with its configuration errors named for the provider: a missing
 * `clientId` (the option most often left unset, an environment variable not loaded) or
 * `clientSecret` says which provider, which option and the conventional variable to read it from.
 * Providers that build their client before {@link defineProvider} call it themselves.
 * @throws TypeError
 */
export function withProviderNamed<T>(
  config: ProviderConfig,
  provider: { id: string; name: string },
  build: () => T,
): T {
  const who = `latchkey: ${provider.name} ("${provider.id}") needs`;
  const env = provider.id.toUpperCase().replace(/-/g, '_');
  if (typeof config?.clientId !== 'string' || config.clientId.length === 0) {
    const state = config?.clientId === '' ? 'empty' : 'missing';
    throw new TypeError(
      `${who} "clientId", the client id of your OAuth app registered with ${provider.name}; ` +
        `it is ${state}. Pass it from the environment, e.g. ` +
        `clientId: process.env.${env}_CLIENT_ID (and, when the app has one, ` +
        `clientSecret: process.env.${env}_CLIENT_SECRET).`,
    );
  }
  try {
    return build();
  } catch (error) {
    const prefix = 'latchkey: "clientSecret" is required';
    if (!(error instanceof TypeError) || !error.message.startsWith(prefix)) throw error;
    throw new TypeError(
      `${who} "clientSecret"${error.message.slice(prefix.length)}. Pass it from the ` +
        `environment, e.g. clientSecret: process.env.${env}_CLIENT_SECRET.`,
    );
  }
}

/** The user from the `profile` fields: of the user-info answer, or of the OIDC claims. */
function userFromProfile<User>(
  definition: ProviderDefinition<User, string>,
): (tokens: OAuthTokens, client: OAuthClient) => Promise<MappedUser<User>> {
  const { name, openid, profile = {}, userField } = definition;
  if (openid) {
    // Every OIDC user carries the standard claims; a provider's own User type adds to them.
    const fields = { ...standardClaims, ...profile } as ProfileFields<User>;
    const options = {
      who: name,
      userInfo: 'optional',
      ...(openid === true ? {} : openid),
    } as const;
    return async (tokens, client) =>
      profileFrom(name, await oidcUser(client, tokens, options), fields);
  }
  if (profile.id === undefined) throw new TypeError('latchkey: a provider needs a profile mapping');
  const fields = { ...profile, id: profile.id };
  return async (tokens, client) => {
    const url = (await client.metadata()).userinfo_endpoint;
    if (!url) throw new TypeError('latchkey: "profile" needs a "userInfoEndpoint"');
    const who = `${name} ${new URL(url).pathname}`;
    const answer = await client.fetchJSON(url, tokens.accessToken);
    const user = userField ? (answer as Record<string, unknown> | null)?.[userField] : answer;
    return profileFrom(who, user, fields);
  };
}

/** @throws TypeError unless `id` is 1-64 lowercase letters, digits, `_` or `-` (routes, keys) */
export function checkProviderId(id: unknown): void {
  if (typeof id !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(id)) {
    throw new TypeError('latchkey: "id" must be 1-64 lowercase letters, digits, _ or -');
  }
}

/**
 * An overridable base URL (a self-managed instance, a national cloud, a local double): the
 * configured value or the default, checked like every endpoint, without trailing slashes so
 * paths can be appended.
 * @throws TypeError unless it is https (http only for loopback)
 */
export function baseURL(name: string, value: string | undefined, fallback: string): string {
  const url = (value ?? fallback).replace(/\/+$/, '');
  checkEndpoint(name, url);
  return url;
}
