import { defineProvider, type ProviderDefinition } from '../oauth/define-provider.ts';
import type { ProviderEndpoints } from '../oauth/endpoints.ts';
import type { MappedUser, ProfileFields } from '../oauth/profile-fields.ts';
import type { OAuthProvider, OAuthTokens, ProviderConfig } from '../oauth/provider.ts';

/** GETs a JSON resource with the access token (default: the user-info endpoint). */
export type FetchJSON = (url?: string) => Promise<unknown>;

/** Configuration of {@link oauth2}: a plain OAuth 2.0 provider with explicit endpoints. */
export interface OAuth2Config<User, Id extends string = string>
  extends
    ProviderConfig,
    Omit<ProviderEndpoints, 'http200Errors'>,
    Pick<ProviderDefinition<User, Id>, 'id' | 'name' | 'clientAuthMethod'> {
  /**
   * The provider's issuer identifier (RFC 9207). Without it the account key's issuer is `''` and
   * any `iss` on the callback is rejected, since it cannot be checked.
   */
  issuer?: string;
  /** The profile as fields of the user-info endpoint's JSON answer; or `mapProfile`. */
  profile?: ProfileFields<User>;
  /** Maps the provider's user to a profile; `providerUserId` must be stable and unique. */
  mapProfile?(tokens: OAuthTokens, fetchJSON: FetchJSON): Promise<MappedUser<User>>;
}

/**
 * A generic OAuth 2.0 provider with explicit endpoints and a profile mapping (no default scopes).
 * @throws TypeError on a bad configuration (id, non-https endpoints, no profile mapping)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1
 */
export function oauth2<User, Id extends string = string>(
  config: OAuth2Config<User, Id>,
): OAuthProvider<User, Id> {
  const mapProfile = config?.mapProfile;
  return defineProvider(config, {
    id: config.id,
    name: config.name,
    issuer: config.issuer ?? '',
    scopes: [],
    endpoints: config,
    clientAuthMethod: config.clientAuthMethod,
    profile: config.profile,
    getUser:
      typeof mapProfile === 'function'
        ? (tokens, client) =>
            mapProfile(tokens, (url = config.userInfoEndpoint) => {
              if (!url) throw new TypeError('latchkey: no URL given and no "userInfoEndpoint"');
              return client.fetchJSON(url, tokens.accessToken);
            })
        : undefined,
  });
}
