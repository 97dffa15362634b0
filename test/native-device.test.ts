// The device authorization grant end to end: deviceSignIn polls while a real headless Chromium
// enters the user code at /auth/device and signs in at the GitHub double; plus the polling
// rules on both sides (slow_down, expiry, denial) and the phishing guard on the start.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { LatchkeyError } from '../src/core/errors.ts';
import { createLatchkey } from '../src/core/latchkey.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { approveDevice, denyDevice } from '../src/http/native/device-approval.ts';
import { normalizeUserCode } from '../src/http/native/device-codes.ts';
import {
  DEVICE_GRANT_TYPE,
  handleDeviceCode,
  handleDeviceToken,
} from '../src/http/native/device.ts';
import { deviceSignIn, type DeviceCodePrompt } from '../src/native/device-sign-in.ts';
import { CHROMIUM_OPTIONS, startHarness, type Harness } from './native-harness.ts';

let harness: Harness;
let browser: Browser;

before(async () => {
  harness = await startHarness({ deviceInterval: 1 });
  browser = await chromium.launch(CHROMIUM_OPTIONS);
});
after(async () => {
  await browser?.close();
  await harness?.close();
});

describe('device sign-in in a real browser', () => {
  test('the person types the code, signs in with GitHub, and the device gets a session', async () => {
    const page = await browser.newPage();
    let prompt: DeviceCodePrompt | null = null;
    const session = await deviceSignIn({
      server: harness.url,
      onCode: (shown) => {
        prompt = shown;
        void (async () => {
          await page.goto(shown.verificationURI);
          await page.fill('#user_code', shown.userCode.toLowerCase().replace('-', ' '));
          await page.click('button[type="submit"]');
          assert.equal(await page.textContent('#shown-code'), shown.userCode);
          await page.click('text=Continue with GitHub');
          await page.fill('#login', 'octocat');
          await page.click('button[value="authorize"]');
        })().catch((error: unknown) => console.error('browser script failed', error));
      },
    });
    assert.ok(prompt);
    const { userCode, verificationURI, verificationURIComplete } = prompt as DeviceCodePrompt;
    assert.match(userCode, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(verificationURI, `${harness.url}/auth/device`);
    assert.equal(verificationURIComplete, `${verificationURI}?user_code=${userCode}`);
    assert.match(session.token, /^lks_/);
    assert.equal((session.user.attributes as { username: string }).username, 'octocat');
    assert.ok(await harness.auth.validateSession(session.token));
    await page.waitForSelector('text=Your device is signed in');
    await page.close();
  });

  test('verification_uri_complete prefills the code; cancelling at GitHub denies the device', async () => {
    const page = await browser.newPage();
    await assert.rejects(
      deviceSignIn({
        server: harness.url,
        onCode: (shown) => {
          void (async () => {
            await page.goto(shown.verificationURIComplete!);
            await page.click('text=Continue with GitHub');
            await page.click('button[value="cancel"]');
          })().catch((error: unknown) => console.error('browser script failed', error));
        },
      }),
      (error: unknown) => error instanceof LatchkeyError && error.code === 'access_denied',
    );
    await page.close();
  });

  test('a link that starts the provider sign-in directly (phishing) is refused', async () => {
    const response = await fetch(`${harness.url}/auth/device/code`, { method: 'POST' });
    const { user_code } = (await response.json()) as { user_code: string };
    const page = await browser.newPage();
    // Typed or followed from elsewhere: Sec-Fetch-Site is "none" / "cross-site", not same-origin.
    const answer = await page.goto(`${harness.url}/auth/github?device_user_code=${user_code}`);
    assert.equal(answer?.status(), 400);
    const direct = await fetch(`${harness.url}/auth/github?device_user_code=${user_code}`, {
      redirect: 'manual',
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    assert.equal(direct.status, 400);
    await page.close();
  });

  test('the page refuses unknown codes and escapes what it shows', async () => {
    for (const code of ['BCDF-GHJK', '<script>', 'AAAA-AAAA', 'x'.repeat(100)]) {
      const response = await fetch(
        `${harness.url}/auth/device?user_code=${encodeURIComponent(code)}`,
      );
      assert.equal(response.status, 400);
      const html = await response.text();
      assert.ok(!html.includes('<script>'));
      assert.equal(response.headers.get('cache-control'), 'no-store');
    }
  });
});

describe('device grant on the server', () => {
  let now = 0;
  const store = memoryStore({ now: () => now });
  const auth = createLatchkey({ store, now: () => now });
  const options = {
    auth,
    verificationURI: 'https://a.example/auth/device',
    interval: 5,
    expiresIn: 600,
  };
  const post = (body: Record<string, string>) =>
    new Request('https://a.example/auth/device/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
    });
  async function newCode(): Promise<{ device_code: string; user_code: string }> {
    const response = await handleDeviceCode(
      new Request('https://a.example/', { method: 'POST' }),
      options,
    );
    return (await response.json()) as { device_code: string; user_code: string };
  }
  const poll = async (deviceCode: string) => {
    const response = await handleDeviceToken(
      post({ grant_type: DEVICE_GRANT_TYPE, device_code: deviceCode }),
      { auth },
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  test('pending, slow_down (+5 s), approval once, then the code is spent', async () => {
    now = Date.UTC(2026, 0, 1);
    const user = await auth.createUser({ attributes: { username: 'octocat' } });
    const { device_code, user_code } = await newCode();
    assert.match(device_code, /^lkd_/);
    assert.equal((await poll(device_code)).body.error, 'authorization_pending');
    now += 2_000; // faster than the 5 s interval
    assert.equal((await poll(device_code)).body.error, 'slow_down');
    now += 6_000; // the interval is now 10 s
    assert.equal((await poll(device_code)).body.error, 'slow_down');
    now += 15_001;
    assert.equal((await poll(device_code)).body.error, 'authorization_pending');
    assert.equal(await approveDevice(store, user_code, user.id), true);
    assert.equal(await approveDevice(store, user_code, user.id), false, 'decided once');
    assert.equal(await denyDevice(store, user_code), false, 'a late deny changes nothing');
    now += 15_001;
    const done = await poll(device_code);
    assert.equal(done.status, 200);
    assert.ok(await auth.validateSession(done.body.token as string));
    now += 15_001;
    assert.equal((await poll(device_code)).body.error, 'invalid_grant');
  });

  test('a JSON poll naming a key twice is refused like a repeated form field', async () => {
    now = Date.UTC(2026, 2, 1);
    const { device_code } = await newCode();
    const json = (body: string) =>
      handleDeviceToken(
        new Request('https://a.example/auth/device/token', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        }),
        { auth },
      );
    const grant = JSON.stringify(DEVICE_GRANT_TYPE);
    const twice = await json(
      `{"grant_type":${grant},"device_code":"lkd_x","device_code":${JSON.stringify(device_code)}}`,
    );
    assert.equal(twice.status, 400);
    assert.equal(((await twice.json()) as { error: string }).error, 'invalid_request');
    const once = await json(`{"grant_type":${grant},"device_code":${JSON.stringify(device_code)}}`);
    assert.equal(((await once.json()) as { error: string }).error, 'authorization_pending');
  });

  test('denied, expired, wrong secret and wrong grant type', async () => {
    now = Date.UTC(2026, 1, 1);
    const denied = await newCode();
    assert.equal(await denyDevice(store, denied.user_code), true);
    assert.equal((await poll(denied.device_code)).body.error, 'access_denied');
    const expired = await newCode();
    now += 601_000;
    assert.equal((await poll(expired.device_code)).body.error, 'expired_token');
    assert.equal(await approveDevice(store, expired.user_code, 'someone'), false);
    const live = await newCode();
    const forged = `${live.device_code.slice(0, 29)}${'a'.repeat(32)}`;
    assert.equal((await poll(forged)).body.error, 'invalid_grant');
    const wrongType = await handleDeviceToken(
      post({ grant_type: 'authorization_code', device_code: live.device_code }),
      { auth },
    );
    assert.equal(((await wrongType.json()) as { error: string }).error, 'unsupported_grant_type');
  });

  test('user codes: 8 letters of an unambiguous alphabet, typed loosely', () => {
    assert.equal(normalizeUserCode('bcdf-ghjk'), 'BCDFGHJK');
    assert.equal(normalizeUserCode(' BCDF GHJK '), 'BCDFGHJK');
    for (const bad of ['BCDF-GHJ', 'BCDF-GHJKL', 'ABCD-EFGH', '0000-1111', '', 'BCDF\u0000GHJK']) {
      assert.equal(normalizeUserCode(bad), null, bad);
    }
  });
});

describe('deviceSignIn polling', () => {
  let server: Server;
  let script: (path: string) => { status: number; body: unknown };
  const polls: number[] = [];
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/auth/device/token') polls.push(Date.now());
      const { status, body } = script(req.url ?? '');
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const codeBody = (expires_in: number, interval: number) => ({
    device_code: 'lkd_x',
    user_code: 'BCDF-GHJK',
    verification_uri: 'http://x/auth/device',
    expires_in,
    interval,
  });

  test('waits the interval, adds 5 s after slow_down, and returns the session', async () => {
    polls.length = 0;
    let n = 0;
    script = (path) => {
      if (path === '/auth/device/code') return { status: 200, body: codeBody(60, 1) };
      n++;
      if (n === 1) return { status: 400, body: { error: 'slow_down' } };
      return {
        status: 200,
        body: {
          token: 'lks_t',
          user: { id: 'u1', attributes: {} },
          expiresAt: new Date(Date.now() + 1e6).toISOString(),
        },
      };
    };
    const started = Date.now();
    const session = await deviceSignIn({ server: url(), onCode: () => {} });
    assert.equal(session.token, 'lks_t');
    assert.equal(polls.length, 2);
    assert.ok(polls[0]! - started >= 1000, 'first poll after one interval');
    assert.ok(polls[1]! - polls[0]! >= 6000, `slowed down to 6 s, got ${polls[1]! - polls[0]!}`);
  });

  test('stops before the code expires and on denial', async () => {
    script = (path) =>
      path === '/auth/device/code'
        ? { status: 200, body: codeBody(2, 1) }
        : { status: 400, body: { error: 'authorization_pending' } };
    polls.length = 0;
    await assert.rejects(
      deviceSignIn({ server: url(), onCode: () => {} }),
      (error: unknown) => error instanceof LatchkeyError && error.code === 'expired_token',
    );
    assert.ok(polls.length <= 1, `no polling past the expiry (${polls.length} polls)`);
    script = (path) =>
      path === '/auth/device/code'
        ? { status: 200, body: codeBody(60, 1) }
        : { status: 400, body: { error: 'access_denied' } };
    await assert.rejects(
      deviceSignIn({ server: url(), onCode: () => {} }),
      (error: unknown) => error instanceof LatchkeyError && error.code === 'access_denied',
    );
  });

  test('an abort signal stops polling', async () => {
    script = (path) =>
      path === '/auth/device/code'
        ? { status: 200, body: codeBody(60, 1) }
        : { status: 400, body: { error: 'authorization_pending' } };
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 1500);
    await assert.rejects(
      deviceSignIn({ server: url(), onCode: () => {}, signal: controller.signal }),
      /stop/,
    );
  });
});
