// Native sign-in: the extension the main handler plugs into its sign-in flow, and the pieces
// apps with their own router compose themselves.
export { nativeSignIn, type NativeHandlerOptions } from './extension.ts';
export {
  createNativeRoutes,
  NATIVE_ROUTE_NAMES,
  type NativeRoutes,
  type NativeRoutesOptions,
} from './routes.ts';
export {
  completeNativeSignIn,
  isNativeStartError,
  nativeErrorRedirect,
  parseNativeStart,
  type NativeStart,
  type NativeStartError,
  type NativeStartOptions,
} from './loopback.ts';
export { handleNativeToken, type NativeTokenResponse } from './token.ts';
export {
  completeTokenInRedirectSignIn,
  parseTokenInRedirectStart,
  type TokenInRedirectOptions,
  type TokenInRedirectStart,
} from './token-in-redirect.ts';
export {
  DEVICE_GRANT_TYPE,
  handleDeviceCode,
  handleDeviceToken,
  type DeviceAuthorizationResponse,
  type DeviceOptions,
} from './device.ts';
export { approveDevice, denyDevice, parseDeviceStart } from './device-approval.ts';
export { formatUserCode, normalizeUserCode } from './device-codes.ts';
export {
  deviceResultPage,
  deviceVerificationPage,
  type DeviceProviderLink,
} from './device-page.ts';
