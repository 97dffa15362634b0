export { createAuthHandler } from './handler.ts';
export type { AuthHandler } from './handler.ts';
export type { AuthHandlerOptions, AuthHooks, AuthLogger, RequestInfo } from './options.ts';
export { resolveRedirectTarget } from './redirect.ts';
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
