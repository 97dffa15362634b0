// latchkey/native: sign a desktop or command-line app in through the system browser and a
// loopback listener (RFC 8252) or a device code (RFC 8628), and keep its token. Node only.
export { signIn, type SignInOptions } from './sign-in.ts';
export { deviceSignIn, type DeviceCodePrompt, type DeviceSignInOptions } from './device-sign-in.ts';
export { defaultConfigDir, fileTokenStore, type TokenStore } from './token-store.ts';
export { openSystemBrowser, type OpenBrowser } from './open-browser.ts';
export {
  startLoopbackListener,
  type LoopbackListener,
  type LoopbackResult,
} from './loopback-listener.ts';
export type { NativeSession } from './server-request.ts';
