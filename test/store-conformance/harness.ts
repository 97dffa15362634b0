// What every part's suite shares: a fresh store per suite (opened before, closed after) and a
// core over it with a settable clock.
import { after, before } from 'node:test';
import { createLatchkey, type Latchkey, type Store } from '../../src/index.ts';

/** Opens a fresh, migrated, empty whole store (an engine's parts composed with the rest). */
export type OpenStore = () => Promise<Store>;

/** The store under test, the test clock and a core over both. */
export interface SuiteContext {
  readonly store: Store;
  /** The core's clock (ms); tests move it. */
  now: number;
  auth(): Latchkey<{ username: string; n?: number }, { userAgent?: string }>;
}

/** Registers the suite's `before`/`after` in the enclosing `describe` and returns its context. */
export function suiteContext(open: OpenStore): SuiteContext {
  let store: Store | undefined;
  const context: SuiteContext = {
    get store(): Store {
      if (!store) throw new Error('the store opens in before()');
      return store;
    },
    now: Date.now(),
    auth: () =>
      createLatchkey<{ username: string; n?: number }, { userAgent?: string }>({
        store: context.store,
        now: () => context.now,
        session: { idleTimeout: 60_000, absoluteTimeout: 300_000, renewInterval: 10_000 },
      }),
  };
  before(async () => {
    store = await open();
  });
  after(async () => {
    await store?.close();
  });
  return context;
}
