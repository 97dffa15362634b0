export { OAuthClient, checkCallbackState, isLoopbackURL } from './client.ts';
export type { ClientAuthMethod, OAuthClientOptions } from './client.ts';
export { OIDCClient } from './oidc-client.ts';
export type { OIDCClientOptions } from './oidc-client.ts';
export { OAuthCallbackError, OAuthRequestError, OAuthResponseError } from './errors.ts';
export type { OAuthCallbackReason } from './errors.ts';
export { issuedAt, splitScopes, tokensFromResponse } from './tokens.ts';
export { providerAuth, providerFactory } from './provider-auth.ts';
export type {
  AuthorizationUrlResult,
  GetAuthorizationUrlOptions,
  ProviderAuth,
  ProviderAuthOptions,
  ProviderCallback,
  ProviderFactory,
  ValidateCallbackOptions,
} from './provider-auth.ts';
export type {
  AuthorizationRequest,
  CreateAuthorizationURLOptions,
  OAuthProvider,
  OAuthTokens,
  ProviderProfile,
  ValidateAuthorizationCodeOptions,
} from './provider.ts';
