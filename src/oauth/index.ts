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
export { defineProvider, verifiedEmail } from './define-provider.ts';
export type { ProviderDefinition } from './define-provider.ts';
export { claimsProfile, oidcUser } from './oidc-user.ts';
export type { OIDCUser, OIDCUserOptions } from './oidc-user.ts';
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
