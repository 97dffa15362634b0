// The Lucia v2 / @lucia-auth/oauth style API over any provider: `providerAuth(auth, provider,
// { redirectURI })` gives `getAuthorizationUrl()` and `validateCallback()`, whose result finds,
// creates or links the user. Latchkey's own routes (latchkey/http) do not need it.
import type { CreatedSession, Latchkey } from '../core/latchkey.ts';
import type { Account, AccountKey, User } from '../core/types.ts';
import type { OAuthProvider, OAuthTokens, ProviderProfile } from './provider.ts';

/** Options of {@link providerAuth}. */
export interface ProviderAuthOptions {
  /** The callback URL registered with the provider. */
  redirectURI: string;
}

/** Options of {@link ProviderAuth.getAuthorizationUrl}. */
export interface GetAuthorizationUrlOptions {
  /** Scopes to request; the provider's defaults when absent. */
  scopes?: readonly string[];
  /** Extra authorization parameters (`prompt`, `login_hint`, ...). */
  params?: Readonly<Record<string, string>>;
}

/**
 * `[url, state, codeVerifier, nonce]`: keep `state`, `codeVerifier` and `nonce` server-side or
 * in HttpOnly cookies until the callback; `const [url, state] = ...` works as in Lucia v2.
 */
export type AuthorizationUrlResult = [
  url: URL,
  state: string,
  codeVerifier: string | null,
  nonce: string | null,
];

/** Options of {@link ProviderAuth.validateCallback}. */
export interface ValidateCallbackOptions {
  /** The PKCE verifier from `getAuthorizationUrl` (`null` only with PKCE off). */
  codeVerifier: string | null;
  /** The OIDC nonce from `getAuthorizationUrl`. */
  nonce?: string | null;
  /** The `state` query parameter of the callback (when passing a code, not a URL). */
  state?: string | null;
  /** The state stored when the flow started. Required: the check never fails open. */
  expectedState?: string | null;
  /** The `iss` query parameter of the callback (RFC 9207), when passing a code. */
  iss?: string | null;
  /**
   * The scopes passed to `getAuthorizationUrl` (default: the provider's default scopes): the
   * granted scopes when the token response leaves `scope` out (RFC 6749 §5.1).
   */
  scopes?: readonly string[];
}

/** What a validated callback yields; `<id>User` (e.g. `githubUser`) aliases `providerUser`. */
export type ProviderCallback<UA extends object, SA extends object, PU, Id extends string> = {
  providerUser: PU;
  profile: ProviderProfile;
  tokens: OAuthTokens;
  /** The account key: (provider id, issuer, provider user id) — never the email. */
  account: Required<AccountKey>;
  /** The user already linked to this provider account, or `null`. */
  existingUser: User<UA> | null;
  /** Looks the linked user up again. */
  getExistingUser(): Promise<User<UA> | null>;
  /**
   * Creates the user and links this account atomically (and a first session when
   * `sessionAttributes` is given).
   * @throws AccountExistsError when the account was linked meanwhile (a concurrent sign-in)
   */
  createUser(input: { attributes: UA }): Promise<User<UA>>;
  createUser(input: {
    attributes: UA;
    sessionAttributes: SA;
  }): Promise<{ user: User<UA> } & CreatedSession<SA>>;
  /**
   * Links this provider account to an existing user (who must be signed in: see
   * docs/security.md).
   * @throws AccountExistsError when the account is linked already
   */
  linkToUser(userId: string): Promise<Account>;
} & { [K in `${Id}User`]: PU };

/** The Lucia v2 style provider object: authorization URL and callback over one provider. */
export interface ProviderAuth<UA extends object, SA extends object, PU, Id extends string> {
  readonly provider: OAuthProvider<PU, Id>;
  /** @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1 */
  getAuthorizationUrl(options?: GetAuthorizationUrlOptions): Promise<AuthorizationUrlResult>;
  /**
   * Validates the callback — a code plus `state`/`expectedState`, or the whole callback URL —
   * exchanges the code, fetches the provider user and looks up the linked user.
   * @throws OAuthCallbackError (state, iss, duplicate parameters) before any token request
   * @throws OAuthRequestError when the provider reports an error (`access_denied`, bad code)
   * @throws OAuthResponseError when the provider's response or ID token is invalid
   */
  validateCallback(
    codeOrCallbackURL: string | URL,
    options: ValidateCallbackOptions,
  ): Promise<ProviderCallback<UA, SA, PU, Id>>;
}

/** `{ githubUser: user }` for the provider id `github`: the Lucia v2 name of the provider user. */
function userAlias<Id extends string, PU>(id: Id, user: PU): { [K in `${Id}User`]: PU } {
  const key: `${Id}User` = `${id}User`;
  // The one cast: TypeScript widens a computed key of a template literal type to `string`, so it
  // cannot see that this object has exactly the key `${Id}User`.
  return { [key]: user } as { [K in `${Id}User`]: PU };
}

/**
 * Binds a provider to a latchkey instance, in the shape of Lucia v2's `@lucia-auth/oauth`:
 * `providerAuth(auth, github(config), { redirectURI })`.
 * @throws TypeError when `redirectURI` is not a URL
 */
export function providerAuth<UA extends object, SA extends object, PU, Id extends string>(
  auth: Latchkey<UA, SA>,
  provider: OAuthProvider<PU, Id>,
  options: ProviderAuthOptions,
): ProviderAuth<UA, SA, PU, Id> {
  const redirectURI = options?.redirectURI;
  if (typeof redirectURI !== 'string' || URL.parse(redirectURI) === null) {
    throw new TypeError('latchkey: "redirectURI" must be an absolute URL');
  }
  return {
    provider,
    async getAuthorizationUrl(opts) {
      const request = await provider.createAuthorizationURL({ redirectURI, ...opts });
      return [request.url, request.state, request.codeVerifier, request.nonce];
    },
    async validateCallback(codeOrURL, opts) {
      let callbackURL: URL;
      if (codeOrURL instanceof URL) {
        callbackURL = codeOrURL;
      } else {
        callbackURL = new URL(redirectURI);
        callbackURL.searchParams.set('code', String(codeOrURL));
        if (opts?.state != null) callbackURL.searchParams.set('state', opts.state);
        if (opts?.iss != null) callbackURL.searchParams.set('iss', opts.iss);
      }
      const tokens = await provider.validateAuthorizationCode({
        callbackURL,
        expectedState: opts?.expectedState ?? '',
        redirectURI,
        codeVerifier: opts?.codeVerifier ?? null,
        nonce: opts?.nonce ?? null,
        scopes: opts?.scopes ?? provider.defaultScopes,
      });
      const { profile, user } = await provider.getUser(tokens);
      const account = {
        providerId: provider.id,
        issuer: provider.issuer,
        providerUserId: profile.providerUserId,
      };
      const getExistingUser = (): Promise<User<UA> | null> => auth.getUserByAccount(account);
      function createUser(input: { attributes: UA }): Promise<User<UA>>;
      function createUser(input: {
        attributes: UA;
        sessionAttributes: SA;
      }): Promise<{ user: User<UA> } & CreatedSession<SA>>;
      function createUser(input: {
        attributes: UA;
        sessionAttributes?: SA;
      }): Promise<User<UA> | ({ user: User<UA> } & CreatedSession<SA>)> {
        const { attributes, sessionAttributes } = input;
        return sessionAttributes !== undefined
          ? auth.createUserWithSession({ attributes, account, sessionAttributes })
          : auth.createUser({ attributes, account });
      }
      return {
        providerUser: user,
        ...userAlias(provider.id, user),
        profile,
        tokens,
        account,
        existingUser: await getExistingUser(),
        getExistingUser,
        createUser,
        linkToUser: (userId: string) => auth.linkAccount(userId, account),
      };
    },
  };
}
