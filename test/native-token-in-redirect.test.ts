// The token-in-redirect mode (Tauri loopback style): `?port=N` → `http://localhost:N?session_token=...`,
// only when `unsafeTokenInLoopbackRedirect` is on. The app side is a client that behaves exactly
// like a Tauri app's Rust listener in that style: accept one connection, read the request line,
// split the query on `&` and `=`, answer a bare "HTTP/1.1 200 OK" and drop the connection.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import {
  answerConfirmation,
  CHROMIUM_OPTIONS,
  startHarness,
  type Harness,
} from './native-harness.ts';

/** A Tauri loopback style `authenticate()` listener, line for line. */
function tauriListener(): Promise<{ port: number; token: Promise<string>; server: Server }> {
  return new Promise((resolveListener) => {
    let resolveToken!: (token: string) => void;
    let rejectToken!: (error: Error) => void;
    const token = new Promise<string>((resolve, reject) => {
      resolveToken = resolve;
      rejectToken = reject;
    });
    const server = createServer((socket) => {
      server.close(); // "We're not looping over the listener"
      let buffer = '';
      socket.on('data', (chunk) => {
        buffer += chunk.toString('latin1');
        const end = buffer.indexOf('\n');
        if (end === -1) return;
        const line = buffer.slice(0, end + 1); // read_line
        const url = line.split(/\s+/).filter(Boolean)[1] ?? '';
        const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
        for (const pair of query.split('&')) {
          const eq = pair.indexOf('=');
          if (eq !== -1 && pair.slice(0, eq) === 'session_token') {
            socket.end(
              'HTTP/1.1 200 OK\r\n\r\nSuccessfully logged in. You can now close this tab.',
            );
            resolveToken(pair.slice(eq + 1));
            return;
          }
        }
        socket.destroy();
        rejectToken(new Error('Missing session'));
      });
    });
    server.listen(0, '127.0.0.1', () => {
      resolveListener({ port: (server.address() as AddressInfo).port, token, server });
    });
  });
}

let browser: Browser;
before(async () => {
  browser = await chromium.launch(CHROMIUM_OPTIONS);
});
after(async () => {
  await browser?.close();
});

describe('Tauri loopback style token-in-redirect', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({ unsafeTokenInLoopbackRedirect: true });
  });
  after(() => harness.close());

  test('when enabled, the app receives a working session token at localhost:N', async () => {
    const listener = await tauriListener();
    const page = await browser.newPage();
    await page.goto(`${harness.url}/auth/github?port=${listener.port}`);
    await answerConfirmation(page);
    await page.fill('#login', 'octocat');
    await page.click('button[value="authorize"]');
    const token = await listener.token;
    assert.match(token, /^lks_/);
    const result = await harness.auth.validateSession(decodeURIComponent(token));
    assert.equal(result?.user.attributes.username, 'octocat');
    // Exactly the URL shape such apps expect, and the token is in the browser's URL: the documented risk.
    assert.match(
      page.url(),
      new RegExp(`^http://localhost:${listener.port}/\\?session_token=lks_`),
    );
    await page.close();
  });

  test('a bad port is refused before any sign-in', async () => {
    const response = await fetch(`${harness.url}/auth/github?port=80`, { redirect: 'manual' });
    assert.equal(response.status, 400);
  });
});

describe('Tauri loopback style token-in-redirect, default configuration', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  test('is off: ?port is ignored and no token is ever sent to the port', async () => {
    const listener = await tauriListener();
    let received = false;
    listener.server.on('connection', () => (received = true));
    const page = await browser.newPage();
    await page.goto(`${harness.url}/auth/github?port=${listener.port}`);
    await page.fill('#login', 'octocat');
    await page.click('button[value="authorize"]');
    await page.waitForSelector('text=web sign-in done');
    assert.equal(received, false);
    assert.ok(!page.url().includes('session_token'));
    listener.server.close();
    await page.close();
  });
});
