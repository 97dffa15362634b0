// The one contract between latchkey's core and storage, in parts by concern:
// - users and accounts (store/users.ts, `UserStore`),
// - sessions (store/sessions.ts, `SessionStore`, with the hot-path lookup),
// - short-lived records and counters (store/short-lived.ts, `ShortLivedStore`),
// - housekeeping: purging expired records and closing (store/store.ts, `StoreHousekeeping`),
// - optionally, a broadcast of session invalidations between processes (store/channel.ts,
//   `SessionChannelPart`), for the session cache.
// An engine implements the parts it can. One that keeps everything is a whole `Store`;
// `composeStore` builds one from parts kept by different engines. Each part has a conformance
// suite (test/store-conformance/), which every engine runs for the parts it implements.
export type * from './store/rows.ts';
export type * from './store/users.ts';
export type * from './store/sessions.ts';
export type * from './store/short-lived.ts';
export type * from './store/store.ts';
export type * from './store/channel.ts';
export { composeStore, type StoreParts } from './store/compose.ts';
