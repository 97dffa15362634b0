// The app's attribute types reach each framework's request without `Register`: this file
// type-checks (tsc runs over test/) only while every adapter carries `createLatchkey<UA, SA>`'s
// types through to what the app reads, and runs each reader once on a real request.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express from 'express';
import Fastify from 'fastify';
import { H3 } from 'h3';
import { toNodeHandler } from 'h3/node';
import Koa from 'koa';
import { latchkeyExpress } from '../src/adapters/express.ts';
import { latchkeyFastify } from '../src/adapters/fastify.ts';
import { latchkeyH3 } from '../src/adapters/h3.ts';
import { latchkeyKoa } from '../src/adapters/koa.ts';
import { createLatchkey } from '../src/core/latchkey.ts';
import { createAuthHandler } from '../src/http/index.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import type { Equal } from './type-equal.ts';

const same = <A, B>(_proof: Equal<A, B>): void => {};

interface UA {
  username: string;
}
interface SA {
  device: 'laptop' | 'phone';
}

async function setup() {
  const auth = createLatchkey<UA, SA>({ store: memoryStore() });
  const handler = createAuthHandler(auth, { providers: [], secret: 's'.repeat(32) });
  const user = await auth.createUser({ attributes: { username: 'octocat' } });
  const { token } = await auth.createSession({ userId: user.id, attributes: { device: 'phone' } });
  return { auth, handler, headers: { authorization: `Bearer ${token}` } };
}

async function seen(server: ReturnType<typeof createServer>, headers: Record<string, string>) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    return await (await fetch(`http://127.0.0.1:${port}/`, { headers })).json();
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('attribute types reach the framework request', () => {
  it('express: latchkey.current(req)', async () => {
    const { auth, handler, headers } = await setup();
    const latchkey = latchkeyExpress(auth, handler);
    const app = express().use(latchkey);
    app.get('/', (req, res) => {
      const current = latchkey.current(req);
      same<NonNullable<typeof current>['user']['attributes'], UA>(true);
      same<NonNullable<typeof current>['session']['attributes'], SA>(true);
      res.json({
        name: current?.user.attributes.username,
        device: current?.session.attributes.device,
      });
    });
    assert.deepEqual(await seen(createServer(app), headers), { name: 'octocat', device: 'phone' });
  });

  it('fastify: plugin.current(request)', async () => {
    const { auth, handler, headers } = await setup();
    const latchkey = latchkeyFastify(auth, handler);
    const app = Fastify();
    await app.register(latchkey);
    app.get('/', async (request) => {
      const current = latchkey.current(request);
      same<NonNullable<typeof current>['user']['attributes'], UA>(true);
      same<NonNullable<typeof current>['session']['attributes'], SA>(true);
      return {
        name: current?.user.attributes.username,
        device: current?.session.attributes.device,
      };
    });
    await app.ready();
    assert.deepEqual(await seen(app.server, headers), { name: 'octocat', device: 'phone' });
  });

  it('koa: ctx.state of the app that use() returns', async () => {
    const { auth, handler, headers } = await setup();
    const app = new Koa().use(latchkeyKoa(auth, handler));
    app.use((ctx) => {
      same<NonNullable<typeof ctx.state.user>['attributes'], UA>(true);
      same<NonNullable<typeof ctx.state.session>['attributes'], SA>(true);
      ctx.body = {
        name: ctx.state.user?.attributes.username,
        device: ctx.state.session?.attributes.device,
      };
    });
    assert.deepEqual(await seen(createServer(app.callback()), headers), {
      name: 'octocat',
      device: 'phone',
    });
  });

  it('h3: latchkey.current(event)', async () => {
    const { auth, handler, headers } = await setup();
    const latchkey = latchkeyH3(auth, handler);
    const app = new H3().use(latchkey);
    app.get('/', (event) => {
      const current = latchkey.current(event);
      same<NonNullable<typeof current>['user']['attributes'], UA>(true);
      same<NonNullable<typeof current>['session']['attributes'], SA>(true);
      return {
        name: current?.user.attributes.username,
        device: current?.session.attributes.device,
      };
    });
    assert.deepEqual(await seen(createServer(toNodeHandler(app)), headers), {
      name: 'octocat',
      device: 'phone',
    });
  });
});
