export { OAuthClient, checkCallbackState, isLoopbackURL } from './client.ts';
export type {
  ClientAuthMethod,
  ClientPrivateKey,
  OAuthClientOptions,
  RefreshOptions,
} from './client.ts';
export type { DPoPKey } from './dpop.ts';
export { OIDCClient } from './oidc-client.ts';
export type { OIDCClientOptions } from './oidc-client.ts';
export { OAuthCallbackError, OAuthRequestError, OAuthResponseError } from './errors.ts';
export type { OAuthCallbackReason } from './errors.ts';
export { issuedAt, splitScopes, tokensFromResponse } from './tokens.ts';
export { providerAuth } from './provider-auth.ts';
export { baseURL, defineProvider } from './define-provider.ts';
export { BACKCHANNEL_LOGOUT_EVENT, LogoutTokenError } from './logout-token.ts';
export type {
  EndSessionOptions,
  LogoutTokenClaims,
  LogoutTokenReason,
  ProviderLogout,
} from './logout-token.ts';
export type { ProviderDefinition } from './define-provider.ts';
export { requireClaim } from './claim-check.ts';
export { endpointClient } from './endpoints.ts';
export type { ProviderEndpoints } from './endpoints.ts';
export { profileFrom, verifiedEmail } from './profile-fields.ts';
export type {
  MappedUser,
  PassThroughFields,
  ProfileField,
  ProfileFields,
} from './profile-fields.ts';
export { claimsProfile, oidcUser, standardClaims } from './oidc-user.ts';
export type { OIDCClaims, OIDCUser, OIDCUserOptions } from './oidc-user.ts';
export type {
  AuthorizationUrlResult,
  GetAuthorizationUrlOptions,
  ProviderAuth,
  ProviderAuthOptions,
  ProviderCallback,
  ValidateCallbackOptions,
} from './provider-auth.ts';
export type {
  AuthorizationRequest,
  CreateAuthorizationURLOptions,
  OAuthProvider,
  OAuthTokens,
  ProviderConfig,
  ProviderProfile,
  ValidateAuthorizationCodeOptions,
} from './provider.ts';
