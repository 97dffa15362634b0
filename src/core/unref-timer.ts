// A timer that must not keep the process alive (background retries): Node and Bun timers have
// `unref()`; Deno's `setTimeout` returns a number, unref'd through `Deno.unrefTimer`; elsewhere
// (workerd, browsers) there is nothing to release.
type DenoTimers = { Deno?: { unrefTimer?: (id: number) => void } };

/** Lets the process exit while `timer` is pending. Returns `timer`. */
export function unrefTimer<T>(timer: T): T {
  if (typeof timer === 'number') (globalThis as DenoTimers).Deno?.unrefTimer?.(timer);
  else (timer as { unref?: () => void } | null)?.unref?.();
  return timer;
}
