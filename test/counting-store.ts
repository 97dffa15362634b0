// A store proxy for tests: counts every call (to prove bad input writes nothing) and can fail
// the next call of a method (to prove failures leave no partial state).
import { StoreError } from '../src/core/errors.ts';
import type { Store } from '../src/store.ts';

export const WRITES = new Set([
  'createUser',
  'updateUserAttributes',
  'deleteUser',
  'linkAccount',
  'unlinkAccount',
  'updateAccountTokens',
  'createSession',
  'updateSessionExpiry',
  'deleteSession',
  'deleteUserSessions',
  'setTemp',
  'addTemp',
  'takeTemp',
  'deleteTemp',
  'incrementCounter',
]);

/** A store proxy that counts calls and can fail the next call of a method. */
export interface CountingStore {
  store: Store;
  calls: Map<string, number>;
  /** Arguments of every `incrementCounter` call (rate-limit keys). */
  counterKeys: string[];
  writes(): number;
  failNext(method: string): void;
}

export function countingStore(inner: Store): CountingStore {
  const calls = new Map<string, number>();
  const failing = new Set<string>();
  const counterKeys: string[] = [];
  const store = new Proxy(inner, {
    get(target, name) {
      // Getters run on the store itself: a store's private fields (`#channel`) are not on the proxy.
      const value = Reflect.get(target, name, target) as unknown;
      if (typeof value !== 'function' || typeof name !== 'string') return value;
      return (...args: unknown[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        if (name === 'incrementCounter') counterKeys.push(String(args[1]));
        if (failing.delete(name)) return Promise.reject(new StoreError(name));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    store,
    calls,
    counterKeys,
    writes: () => [...calls].reduce((n, [k, v]) => (WRITES.has(k) ? n + v : n), 0),
    failNext: (method) => failing.add(method),
  };
}
