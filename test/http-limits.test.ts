// One limit for return URLs, checked once at the start: every start the handler accepts can
// finish at its callback, and every flow cookie stays well under the browsers' 4,096 bytes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_REDIRECT_TARGET } from '../src/http/redirect.ts';
import { s256 } from '../src/http/native/token.ts';
import { Browser, createHarness, ORIGIN, type Harness } from './http-harness.ts';

/** Flow cookies stay this far under the 4,096-byte limit (room for a field or two more). */
const COOKIE_BUDGET = 3072;
const NATIVE_PATH = `/${'p'.repeat(200)}`;

describe('return URL limit', () => {
  let h: Harness;
  let largest = 0;
  const measure = (r: Response): Response => {
    for (const line of r.headers.getSetCookie()) largest = Math.max(largest, line.length);
    return r;
  };
  before(async () => {
    h = await createHarness({ native: { device: true, path: NATIVE_PATH } });
  });
  after(async () => {
    await h.close();
    assert.ok(largest > 0);
    assert.ok(largest < COOKIE_BUDGET, `largest Set-Cookie ${largest} bytes`);
    console.log(`largest flow Set-Cookie: ${largest} bytes`);
  });

  // `/aaa…` whose absolute URL is exactly `length` characters.
  const pathOfLength = (length: number) => `/${'a'.repeat(length - ORIGIN.length - 1)}`;

  it('the longest accepted success_url signs in; one character more is 400 at the start', async () => {
    const longest = pathOfLength(MAX_REDIRECT_TARGET);
    assert.equal(`${ORIGIN}${longest}`.length, MAX_REDIRECT_TARGET);
    const b = new Browser();
    const callback = await h.authorize(b, `?success_url=${longest}`);
    measure(await h.handler.fetch(new Request(`${ORIGIN}/auth/github?success_url=${longest}`)));
    const done = b.absorb(await h.handler.fetch(b.request(callback)));
    assert.equal(done.status, 302);
    assert.equal(done.headers.get('location'), `${ORIGIN}${longest}`);

    for (const tooLong of [
      pathOfLength(MAX_REDIRECT_TARGET + 1),
      `${ORIGIN}${pathOfLength(MAX_REDIRECT_TARGET + 1)}`,
      `/${'a'.repeat(MAX_REDIRECT_TARGET)}`,
    ]) {
      const writes = h.counting.writes();
      const r = await h.handler.fetch(new Request(`${ORIGIN}/auth/github?success_url=${tooLong}`));
      assert.equal(r.status, 400, tooLong.slice(0, 40));
      assert.deepEqual(await r.json(), { error: 'invalid_request' });
      assert.deepEqual(r.headers.getSetCookie(), [], 'no flow cookie');
      assert.equal(h.counting.writes(), writes);
    }
  });

  it('a native start at every maximum at once completes at its callback', async () => {
    const verifier = 'v'.repeat(128);
    const challenge = await s256(verifier);
    // The longest state, in the character JSON escapes (so it grows most when sealed).
    const appState = '"'.repeat(512);
    const query = new URLSearchParams({
      redirect_uri: `http://[::1]:65535${NATIVE_PATH}`,
      state: appState,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      success_url: pathOfLength(MAX_REDIRECT_TARGET),
      scope: 'read:user user:email',
    });
    const url = `${ORIGIN}/auth/github?${query}`;
    // Opened by a program: the confirmation page, with the start waiting in the flow cookie.
    const asked = measure(await h.handler.fetch(new Request(url)));
    assert.equal(asked.status, 200);
    assert.equal(asked.headers.getSetCookie().length, 1);
    // From the app's own page: the flow itself.
    const same = { headers: { 'sec-fetch-site': 'same-origin' } };
    const start = measure(await h.handler.fetch(new Request(url, same)));
    assert.equal(start.status, 302);
    const b = new Browser();
    const callback = await h.authorize(b, `?${query}`);
    const done = await h.handler.fetch(b.request(callback));
    assert.equal(done.status, 302);
    const location = new URL(done.headers.get('location')!);
    assert.equal(`${location.origin}${location.pathname}`, `http://[::1]:65535${NATIVE_PATH}`);
    assert.equal(location.searchParams.get('state'), appState);
    assert.match(location.searchParams.get('code')!, /^lkc_/);

    query.set('success_url', pathOfLength(MAX_REDIRECT_TARGET + 1));
    const refused = await h.handler.fetch(new Request(`${ORIGIN}/auth/github?${query}`));
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.headers.getSetCookie(), []);
  });
});
