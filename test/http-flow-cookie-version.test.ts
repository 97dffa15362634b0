// A flow cookie sealed by an earlier release (a different shape, under the previous sealing
// purpose) is refused at the callback, so an upgrade never reads an old flow as a new one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FLOW_SEAL_PURPOSE } from '../src/http/handler.ts';
import { createSealer } from '../src/http/seal.ts';
import { Browser, createHarness, SECRET } from './http-harness.ts';

describe('flow cookie version', () => {
  it('a flow sealed under the previous purpose fails closed with invalid_state', async () => {
    const h = await createHarness();
    try {
      const browser = new Browser();
      const callback = await h.authorize(browser);
      const [name, value] = [...browser.cookies].find(([n]) => n.includes('latchkey_flow'))!;
      const flow = await createSealer(SECRET, FLOW_SEAL_PURPOSE).open(value, 'flow:github');
      assert.ok(flow, 'the current flow cookie opens under the current purpose');
      const old = await createSealer(SECRET, 'latchkey flow cookie v1').seal(flow, 'flow:github');
      browser.cookies.set(name, old);
      const writesBefore = h.counting.writes();
      const response = await h.handler.fetch(browser.request(callback));
      assert.equal(response.status, 400);
      assert.deepEqual(await response.json(), { error: 'invalid_state' });
      assert.equal(h.counting.writes(), writesBefore, 'no user, account or session written');
    } finally {
      await h.close();
    }
  });
});
