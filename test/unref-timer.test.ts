// Background retries must not keep a process alive: Node/Bun timers are unref'd, Deno's numeric
// timer ids go through Deno.unrefTimer, and runtimes with neither are left alone.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { unrefTimer } from '../src/core/unref-timer.ts';

it('unrefs a Node timer, a Deno timer id, and leaves other values alone', () => {
  const timer = setTimeout(() => {}, 60_000);
  try {
    assert.equal(timer.hasRef(), true);
    assert.equal(unrefTimer(timer), timer);
    assert.equal(timer.hasRef(), false);
  } finally {
    clearTimeout(timer);
  }
  const unrefd: number[] = [];
  const global = globalThis as { Deno?: unknown };
  global.Deno = { unrefTimer: (id: number) => unrefd.push(id) };
  try {
    assert.equal(unrefTimer(42), 42);
    assert.deepEqual(unrefd, [42]);
  } finally {
    delete global.Deno;
  }
  // No Deno, no unref (workerd's ids, a browser's): nothing to do, nothing thrown.
  assert.equal(unrefTimer(7), 7);
  assert.equal(unrefTimer(undefined), undefined);
});
