// Sign in with Apple's form_post in real Chromium: Apple's page (the double on 127.0.0.1) posts
// cross-site to the app on localhost, so the SameSite=Lax flow cookie stays behind; latchkey's
// same-origin re-post page brings it along and the sign-in completes.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type Browser } from 'playwright-core';
import { toNodeHandler } from '../src/adapters/node.ts';
import { createLatchkey } from '../src/core/latchkey.ts';
import { createAuthHandler } from '../src/http/index.ts';
import { apple } from '../src/providers/apple.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { applePreset } from '../src/testing/presets/apple.ts';
import { startProviderDouble, type ProviderDouble } from '../src/testing/provider-double.ts';
import { appleKey, KEY_ID, SERVICES_ID, TEAM_ID } from './apple-helpers.ts';
import { SECRET } from './http-harness.ts';
import { launchChromium } from './chromium.ts';

describe('Apple form_post in Chromium', () => {
  let double: ProviderDouble;
  let server: Server;
  let app: string;
  let browser: Browser;

  before(async () => {
    const key = await appleKey();
    double = await startProviderDouble(applePreset, {
      clients: [{ clientId: SERVICES_ID, jwks: key.jwks, issuer: TEAM_ID }],
      users: [{ id: '000777.f00d.0001', email: 'ada@example.com', name: 'Ada Lovelace' }],
    });
    const provider = apple({
      clientId: SERVICES_ID,
      teamId: TEAM_ID,
      keyId: KEY_ID,
      privateKey: key.pem,
      issuer: double.url,
    });
    const auth = createLatchkey({ store: memoryStore() });
    const handler = createAuthHandler(auth, { providers: [provider], secret: SECRET });
    const routes = toNodeHandler(handler);
    server = createServer((req, res) => {
      if (req.url?.startsWith('/auth/')) return void routes(req, res);
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end('<!doctype html><title>home</title><p id="home">home</p>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // localhost and 127.0.0.1 are different sites: Apple's post is cross-site.
    app = `http://localhost:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
    await double?.close();
  });

  it('signs in through a cross-site form post, with the flow cookie brought by the re-post', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const posts: { url: string; cookie: boolean; site: string | undefined }[] = [];
      page.on('request', async (r) => {
        if (r.method() !== 'POST' || !r.url().includes('/auth/apple/callback')) return;
        const headers = await r.allHeaders();
        posts.push({
          url: r.url(),
          cookie: /latchkey_flow/.test(headers.cookie ?? ''),
          site: headers['sec-fetch-site'],
        });
      });
      await page.goto(`${app}/auth/apple`);
      await page.waitForSelector('#home');
      assert.equal(page.url(), `${app}/`);
      assert.equal(posts.length, 2, JSON.stringify(posts));
      assert.deepEqual(
        posts.map((p) => [p.cookie, p.site]),
        [
          [false, 'cross-site'], // Apple's page: no Lax cookie
          [true, 'same-origin'], // our re-post: the cookie comes along
        ],
      );
      const session = await page.goto(`${app}/auth/session`);
      assert.equal(session?.status(), 200);
      const body = (await session!.json()) as { user: { id: string } };
      assert.ok(body.user.id);
      // The flow cookie is gone; the session cookie stays.
      const names = (await context.cookies(app)).map((c) => c.name);
      assert.ok(!names.some((n) => n.startsWith('latchkey_flow')), names.join());
    } finally {
      await context.close();
    }
  });
});
