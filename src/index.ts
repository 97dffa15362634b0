export { createLatchkey, Latchkey } from './core/latchkey.ts';
export type {
  AuthRequest,
  CookieOptions,
  CreatedSession,
  CreateSessionInput,
  CreateUserInput,
  LatchkeyConfig,
  SessionOptions,
} from './core/latchkey.ts';
export type { SessionCacheOptions, SessionCacheView } from './core/session-cache.ts';
export type {
  Account,
  AccountKey,
  Register,
  RegisteredSessionAttributes,
  RegisteredUserAttributes,
  Session,
  SessionValidationResult,
  User,
} from './core/types.ts';
export { AccountExistsError, LatchkeyError, StoreError } from './core/errors.ts';
export type { LatchkeyErrorCode } from './core/errors.ts';
export { Cookie, readCookie } from './core/cookies.ts';
export type { CookieAttributes } from './core/cookies.ts';
export { readBearerToken } from './core/request.ts';
export { TOKEN_PREFIX } from './core/session-token.ts';
export type {
  AccountRow,
  AccountTokensUpdate,
  MaybePromise,
  SessionAndUser,
  SessionChannel,
  SessionChannelListener,
  SessionChannelPart,
  SessionInvalidation,
  SessionRow,
  SessionStore,
  ShortLivedStore,
  Store,
  StoreHousekeeping,
  StoreParts,
  UserRow,
  UserStore,
} from './store.ts';
export { composeStore } from './store.ts';
