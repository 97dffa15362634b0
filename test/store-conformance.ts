// The store contract's conformance suites, one per part (test/store-conformance/). Each engine's
// test file runs the suites of the parts it implements, on its real engine; `open` returns a
// fresh, migrated, empty whole store (an engine keeping only some parts is composed with a
// users part, as an app would).
import { sessionStoreConformance } from './store-conformance/sessions.ts';
import { shortLivedStoreConformance } from './store-conformance/short-lived.ts';
import { userStoreConformance } from './store-conformance/users.ts';
import type { OpenStore } from './store-conformance/harness.ts';

export { sessionStoreConformance, shortLivedStoreConformance, userStoreConformance };
export type { OpenStore };

/** Runs every part's suite: for an engine that keeps users, sessions and short-lived records. */
export function storeConformance(name: string, open: OpenStore): void {
  userStoreConformance(name, open);
  sessionStoreConformance(name, open);
  shortLivedStoreConformance(name, open);
}
