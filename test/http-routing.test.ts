// Routing: own-property lookups only (inherited names are no routes and no providers), and
// matching on the raw request target, so dot segments are a 404 as documented.
import assert from 'node:assert/strict';
import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { toNodeHandler } from '../src/adapters/node.ts';
import { createHarness, ORIGIN, type Harness } from './http-harness.ts';

const INHERITED = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];

describe('own-property routing', () => {
  let h: Harness;
  before(async () => {
    // A provider may be called `valueOf`; native sign-in is on (its route table is consulted).
    h = await createHarness({ native: { device: true } }, (p) => [{ ...p, id: 'valueOf' }]);
  });
  after(() => h.close());

  it('inherited property names are 404 with native on, whatever the method', async () => {
    const names = INHERITED.filter((n) => n !== 'valueOf');
    for (const name of names) {
      for (const path of [
        `/auth/${name}`,
        `/auth/${name}/callback`,
        `/auth/${name}/link`,
        `/auth/device/${name}`,
        `/auth/${name}/code`,
      ]) {
        for (const method of ['GET', 'POST']) {
          const r = await h.handler.fetch(new Request(`${ORIGIN}${path}`, { method }));
          assert.equal(r.status, 404, `${method} ${path}`);
        }
      }
    }
  });

  it('a provider with the id valueOf is reachable', async () => {
    const r = await h.handler.fetch(new Request(`${ORIGIN}/auth/valueOf`));
    assert.equal(r.status, 302);
    assert.ok(r.headers.get('location')!.startsWith(h.double.url));
    assert.match(r.headers.getSetCookie()[0]!, /^__Host-latchkey_flow=/);
    const callback = await h.handler.fetch(new Request(`${ORIGIN}/auth/valueOf/callback`));
    assert.equal(callback.status, 400, 'its callback answers (no flow cookie here)');
  });
});

/** Sends a request with the target exactly as given (Node's client does not normalise it). */
function rawGet(port: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: target, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('raw-path routing', () => {
  let h: Harness;
  let server: Server;
  let port: number;
  before(async () => {
    h = await createHarness();
    const routes = toNodeHandler(h.handler);
    server = createServer((req, res) => void routes(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h.close();
  });

  it('dot segments, as sent, are 404 through the node adapter', async () => {
    assert.equal(await rawGet(port, '/auth/session'), 401, 'the real route answers');
    for (const target of [
      '/auth/github/%2e%2e/session',
      '/auth/github/%2E%2E/session',
      '/auth/github/../session',
      '/auth/github/./callback',
      '/auth/x/../session',
      '/auth/./session',
      '/auth/.%2e/auth/session',
      '/other/../auth/session',
    ]) {
      assert.equal(await rawGet(port, target), 404, target);
    }
  });

  it('the handler matches on info.target when an adapter passes it', async () => {
    const resolved = new Request(`${ORIGIN}/auth/github/%2e%2e/session`);
    assert.equal(new URL(resolved.url).pathname, '/auth/session', 'the URL parser resolved it');
    const r = await h.handler.fetch(resolved, { target: '/auth/github/%2e%2e/session' });
    assert.equal(r.status, 404);
    const same = await h.handler.fetch(new Request(`${ORIGIN}/auth/session?x=1`), {
      target: '/auth/session?x=1',
    });
    assert.equal(same.status, 401);
  });
});
