// A plain `new Hono()` (no `Variables` generic) gets `c.get('user')` and `c.get('session')`
// typed from the app's registered attributes: this file type-checks only with the adapter's
// declaration merged into Hono's context variables, and runs a request through it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { latchkeyHono } from '../src/adapters/hono.ts';
import { createLatchkey } from '../src/core/latchkey.ts';
import { createAuthHandler } from '../src/http/index.ts';
import { memoryStore } from '../src/stores/memory-store.ts';

describe('Hono without a Variables generic', () => {
  it('types and sets c.get("user") and c.get("session")', async () => {
    const auth = createLatchkey({ store: memoryStore() });
    const handler = createAuthHandler(auth, { providers: [], secret: 's'.repeat(32) });
    const app = new Hono();
    app.use(latchkeyHono(auth, handler));
    app.get('/me', (c) => {
      const user = c.get('user');
      const session = c.get('session');
      const id: string | null = user?.id ?? null;
      return c.json({ id, sessionUser: session?.userId ?? null });
    });

    const signedOut = await app.request('https://app.example/me');
    assert.deepEqual(await signedOut.json(), { id: null, sessionUser: null });

    const user = await auth.createUser({ attributes: {} });
    const { token } = await auth.createSession({ userId: user.id });
    const signedIn = await app.request('https://app.example/me', {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.deepEqual(await signedIn.json(), { id: user.id, sessionUser: user.id });
  });
});
