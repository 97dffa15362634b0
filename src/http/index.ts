export { createAuthHandler } from './handler.ts';
export type { AuthHandler } from './handler.ts';
export type {
  AuthHandlerOptions,
  AuthHooks,
  ProviderTokenStore,
  RequestDetails,
  SessionClient,
} from './options.ts';
export type { AuthLogger } from './error-policy.ts';
export { resolveRedirectTarget } from './redirect.ts';
export { signInErrorCode } from './error-codes.ts';
export { EMAIL_TRUSTED_PROVIDERS } from './email-linking.ts';
export type { EmailLinkingOptions } from './email-linking.ts';
export { isSameOriginRequest } from './origin.ts';
export { createRateLimiter } from './rate-limit.ts';
export type {
  RateLimitGroup,
  RateLimitOptions,
  RateLimiter,
  RateLimitResult,
} from './rate-limit.ts';
export { createSealer } from './seal.ts';
export type { Sealer, SealSecret } from './seal.ts';
export { escapeHTML } from './responses.ts';
export type { HttpErrorCode } from './responses.ts';
export { FLOW_LIFETIME } from './flow-cookie.ts';
// Native (desktop, CLI, device) sign-in: wired into createAuthHandler by its `native` option,
// and exported for apps that compose their own routes.
export {
  approveDevice,
  completeNativeSignIn,
  completeTokenInRedirectSignIn,
  createNativeRoutes,
  denyDevice,
  DEVICE_GRANT_TYPE,
  deviceResultPage,
  deviceVerificationPage,
  formatUserCode,
  handleDeviceCode,
  handleDeviceToken,
  handleNativeToken,
  isNativeStartError,
  nativeErrorRedirect,
  normalizeUserCode,
  parseDeviceStart,
  parseNativeStart,
  parseTokenInRedirectStart,
} from './native/index.ts';
export type {
  DeviceAuthorizationResponse,
  DeviceOptions,
  DeviceProviderLink,
  NativeHandlerOptions,
  NativeRoutes,
  NativeRoutesOptions,
  NativeStart,
  NativeStartError,
  NativeStartOptions,
  NativeTokenResponse,
  TokenInRedirectOptions,
  TokenInRedirectStart,
} from './native/index.ts';
