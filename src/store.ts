// The one contract between latchkey's core and storage, in parts by concern:
// - users and accounts (store/users.ts, `UserStore`),
// - sessions (store/sessions.ts, `SessionStore`, with the hot-path lookup),
// - short-lived records and counters (store/short-lived.ts, `ShortLivedStore`),
// - housekeeping: purging expired records and closing (store/store.ts, `StoreHousekeeping`).
// An engine implements the parts it can. One that keeps everything is a whole `Store`;
// `composeStore` builds one from parts kept by different engines. Each part has a conformance
// suite (test/store-conformance.ts), which every engine runs for the parts it implements.
export type {
  AccountRow,
  MaybePromise,
  SessionAndUser,
  SessionRow,
  UserRow,
} from './store/rows.ts';
export type { AccountTokensUpdate, UserStore } from './store/users.ts';
export type { SessionStore } from './store/sessions.ts';
export type { ShortLivedStore } from './store/short-lived.ts';
export type { Store, StoreHousekeeping } from './store/store.ts';
export { composeStore, type StoreParts } from './store/compose.ts';
