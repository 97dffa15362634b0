// The native routes inside createAuthHandler (its `native` option), driven headlessly with the
// cookie-jar browser of the HTTP tests: loopback, device and token-in-redirect flows through the
// real start and callback routes, refusals before any redirect, reserved ids, methods, and
// rate limiting of the token and device routes.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateToken } from '../src/core/session-token.ts';
import { createAuthHandler, createNativeRoutes } from '../src/http/index.ts';
import type { AuthHandlerOptions, SessionClient } from '../src/http/options.ts';
import { Browser, createHarness, ORIGIN, SECRET, type Harness } from './http-harness.ts';

type Options = Partial<AuthHandlerOptions<Record<string, unknown>, Record<string, unknown>>>;

const b64url = (bytes: Buffer): string => bytes.toString('base64url');

function pkce(): { verifier: string; challenge: string } {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
}

function nativeQuery(
  challenge: string,
  redirectURI = 'http://127.0.0.1:49152/callback',
  extra = '',
): string {
  const params = new URLSearchParams({
    redirect_uri: redirectURI,
    state: 'app-state-0123456789',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `?${params}${extra}`;
}

async function withHarness(options: Options, run: (h: Harness) => Promise<void>): Promise<void> {
  const h = await createHarness(options);
  try {
    await run(h);
  } finally {
    await h.close();
  }
}

const post = (url: string, body: Record<string, string>, address = '10.0.0.1') => ({
  request: new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  }),
  info: { clientAddress: address },
});

describe('createAuthHandler with native: loopback', () => {
  it('sends a one-time code to the listener, never a session cookie or the token; ignores success_url', async () => {
    const events: Array<{ client: SessionClient; session: boolean }> = [];
    await withHarness(
      {
        native: {},
        hooks: { onSignIn: (e) => void events.push({ client: e.client, session: !!e.session }) },
      },
      async (h) => {
        const browser = new Browser('Chromium/1.0');
        // The browser is already signed in: a native sign-in must leave that session alone.
        await h.signIn(browser);
        const own = browser.cookies.get('__Host-latchkey_session')!;
        assert.ok(own);
        const { verifier, challenge } = pkce();
        const callback = await h.authorize(
          browser,
          nativeQuery(challenge, undefined, '&success_url=%2Fdashboard'),
        );
        const answer = await h.handler.fetch(browser.request(callback));
        assert.equal(answer.status, 302);
        assert.equal(answer.headers.get('cache-control'), 'no-store');
        assert.equal(answer.headers.get('referrer-policy'), 'no-referrer');
        const cookies = answer.headers.getSetCookie();
        assert.ok(cookies.every((c) => !c.startsWith('__Host-latchkey_session')));
        assert.ok(cookies.some((c) => c.startsWith('__Host-latchkey_flow=;')));
        const location = new URL(answer.headers.get('location')!);
        assert.equal(`${location.origin}${location.pathname}`, 'http://127.0.0.1:49152/callback');
        assert.equal(location.searchParams.get('state'), 'app-state-0123456789');
        const code = location.searchParams.get('code')!;
        assert.match(code, /^lkc_/);
        assert.ok(!location.href.includes('lks_'));
        assert.ok(await h.auth.validateSession(own), 'the browser session lives on');

        const { request, info } = post(`${ORIGIN}/auth/token`, {
          grant_type: 'authorization_code',
          code,
          code_verifier: verifier,
        });
        const exchange = await h.handler.fetch(request, info);
        assert.equal(exchange.status, 200);
        const body = (await exchange.json()) as { token: string; user: { id: string } };
        const result = await h.auth.validateSession(body.token);
        assert.equal(result?.user.id, body.user.id);
        assert.deepEqual(result?.session.attributes, {
          userAgent: 'Chromium/1.0',
          provider: 'github',
          client: 'native',
        });
        assert.deepEqual(events, [
          { client: 'browser', session: true },
          { client: 'native', session: true },
        ]);
        const me = await h.handler.fetch(
          new Request(`${ORIGIN}/auth/session`, {
            headers: { authorization: `Bearer ${body.token}` },
          }),
        );
        assert.equal(me.status, 200);
      },
    );
  });

  it('a first sign-in by a native app creates user, account and session together', async () => {
    await withHarness({ native: {} }, async (h) => {
      const { verifier, challenge } = pkce();
      const browser = new Browser();
      const before = h.counting.calls.get('createSession') ?? 0;
      const answer = await h.handler.fetch(
        browser.request(await h.authorize(browser, nativeQuery(challenge))),
      );
      const code = new URL(answer.headers.get('location')!).searchParams.get('code')!;
      assert.equal(h.counting.calls.get('createSession') ?? 0, before, 'no separate session row');
      assert.equal(h.counting.calls.get('createUser'), 1);
      const { request } = post(`${ORIGIN}/auth/token`, { code, code_verifier: verifier });
      assert.equal((await h.handler.fetch(request)).status, 200);
    });
  });

  it('refuses bad starts with 400 and never redirects or writes', async () => {
    await withHarness({ native: { device: true } }, async (h) => {
      const { challenge } = pkce();
      const bad = [
        nativeQuery(challenge, 'http://localhost:49152/callback'),
        nativeQuery(challenge, 'http://127.1:49152/callback'),
        nativeQuery(challenge, 'https://127.0.0.1:49152/callback'),
        nativeQuery(challenge, 'http://127.0.0.1:80/callback'),
        nativeQuery(challenge, 'http://127.0.0.1:49152/other'),
        nativeQuery(challenge, 'http://evil@127.0.0.1:49152/callback'),
        nativeQuery(challenge, 'http://127.0.0.1:49152/callback?x=1'),
        nativeQuery(challenge, 'https://evil.example/callback'),
        nativeQuery('short'),
        `?redirect_uri=${encodeURIComponent('http://127.0.0.1:49152/callback')}&state=abcdefgh12`,
        nativeQuery(challenge).replace('S256', 'plain'),
        `${nativeQuery(challenge)}&device_user_code=BCDF-GHJK`,
        '?device_user_code=AEIO-UAEI',
      ];
      for (const query of bad) {
        const writes = h.counting.writes();
        const response = await h.handler.fetch(
          new Request(`${ORIGIN}/auth/github${query}`, {
            headers: { 'sec-fetch-site': 'same-origin' },
          }),
        );
        assert.equal(response.status, 400, query);
        assert.equal(response.headers.get('location'), null, query);
        assert.deepEqual(response.headers.getSetCookie(), [], query);
        const body = (await response.json()) as { error: string };
        assert.equal(body.error, 'invalid_request', query);
        assert.equal(h.counting.writes(), writes, query);
      }
    });
  });

  it('allowLocalhost accepts localhost; without native the parameters mean nothing', async () => {
    const { challenge } = pkce();
    const query = nativeQuery(challenge, 'http://localhost:49152/callback');
    await withHarness({ native: { allowLocalhost: true } }, async (h) => {
      const response = await h.handler.fetch(
        new Request(`${ORIGIN}/auth/github${query}`, {
          headers: { 'sec-fetch-site': 'same-origin' },
        }),
      );
      assert.equal(response.status, 302);
    });
    await withHarness({}, async (h) => {
      const browser = new Browser();
      const answer = await h.handler.fetch(browser.request(await h.authorize(browser, query)));
      assert.equal(answer.headers.get('location'), `${ORIGIN}/`, 'an ordinary web sign-in');
      assert.ok(
        answer.headers.getSetCookie().some((c) => c.startsWith('__Host-latchkey_session=lks_')),
      );
    });
  });

  it('a provider refusal or a refused sign-up goes back to the listener as access_denied', async () => {
    await withHarness({ native: {}, hooks: { allowSignIn: () => false } }, async (h) => {
      const { challenge } = pkce();
      for (const deny of [true, false]) {
        if (deny) h.double.denyNext();
        const browser = new Browser();
        const answer = await h.handler.fetch(
          browser.request(await h.authorize(browser, nativeQuery(challenge))),
        );
        const location = new URL(answer.headers.get('location')!);
        assert.equal(location.origin, 'http://127.0.0.1:49152');
        assert.equal(location.searchParams.get('error'), 'access_denied');
        assert.equal(location.searchParams.get('state'), 'app-state-0123456789');
        assert.equal(location.searchParams.get('code'), null);
      }
    });
  });
});

describe('createAuthHandler with native: device and token-in-redirect', () => {
  it('device: code, approval through the provider callback, then one session for the device', async () => {
    const events: Array<{ client: SessionClient; session: boolean }> = [];
    await withHarness(
      {
        native: { device: true },
        origin: ORIGIN,
        hooks: { onSignIn: (e) => void events.push({ client: e.client, session: !!e.session }) },
      },
      async (h) => {
        const codeResponse = await h.handler.fetch(
          new Request('http://internal:8080/auth/device/code', { method: 'POST' }),
        );
        assert.equal(codeResponse.status, 200);
        const device = (await codeResponse.json()) as Record<string, string>;
        // The public origin, not the internal URL the request arrived under.
        assert.equal(device.verification_uri, `${ORIGIN}/auth/device`);
        const page = await h.handler.fetch(
          new Request(`${ORIGIN}/auth/device?user_code=${device.user_code}`),
        );
        assert.equal(page.status, 200);
        assert.match(await page.text(), /href="\/auth\/github\?device_user_code=/);

        const browser = new Browser('Phone/1.0');
        const callback = await h
          .authorize(browser, `?device_user_code=${device.user_code}`)
          .catch(() => null);
        assert.equal(callback, null, 'a start without Sec-Fetch-Site: same-origin is refused');
        const start = browser.absorb(
          await h.handler.fetch(
            browser.request(`${ORIGIN}/auth/github?device_user_code=${device.user_code}`, {
              headers: { 'sec-fetch-site': 'same-origin' },
            }),
          ),
        );
        assert.equal(start.status, 302);
        const atDouble = await fetch(start.headers.get('location')!, { redirect: 'manual' });
        const result = await h.handler.fetch(browser.request(atDouble.headers.get('location')!));
        assert.equal(result.status, 200);
        assert.match(await result.text(), /Your device is signed in/);
        assert.ok(result.headers.getSetCookie().every((c) => !c.includes('latchkey_session')));

        const { request } = post(`${ORIGIN}/auth/device/token`, {
          grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
          device_code: device.device_code!,
        });
        const poll = await h.handler.fetch(request);
        assert.equal(poll.status, 200);
        const { token } = (await poll.json()) as { token: string };
        const session = await h.auth.validateSession(token);
        assert.deepEqual(session?.session.attributes, {
          userAgent: 'Phone/1.0',
          provider: 'github',
          client: 'device',
        });
        assert.deepEqual(events, [{ client: 'device', session: false }]);
      },
    );
  });

  it('device: cancelling at the provider denies the device', async () => {
    await withHarness({ native: { device: true } }, async (h) => {
      const device = (await (
        await h.handler.fetch(new Request(`${ORIGIN}/auth/device/code`, { method: 'POST' }))
      ).json()) as Record<string, string>;
      h.double.denyNext();
      const browser = new Browser();
      const start = browser.absorb(
        await h.handler.fetch(
          browser.request(`${ORIGIN}/auth/github?device_user_code=${device.user_code}`, {
            headers: { 'sec-fetch-site': 'same-origin' },
          }),
        ),
      );
      const atDouble = await fetch(start.headers.get('location')!, { redirect: 'manual' });
      const result = await h.handler.fetch(browser.request(atDouble.headers.get('location')!));
      assert.match(await result.text(), /not signed in/);
      const { request } = post(`${ORIGIN}/auth/device/token`, {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: device.device_code!,
      });
      assert.equal(
        ((await (await h.handler.fetch(request)).json()) as { error: string }).error,
        'access_denied',
      );
    });
  });

  it('token-in-redirect mode: only when enabled, to http://localhost:N?session_token=', async () => {
    await withHarness({ native: { unsafeTokenInLoopbackRedirect: true } }, async (h) => {
      const browser = new Browser();
      const answer = await h.handler.fetch(
        browser.request(await h.authorize(browser, '?port=4567')),
      );
      const location = answer.headers.get('location')!;
      assert.match(location, /^http:\/\/localhost:4567\?session_token=lks_/);
      assert.equal(answer.headers.get('cache-control'), 'no-store');
      const token = decodeURIComponent(location.split('session_token=')[1]!);
      assert.ok(await h.auth.validateSession(token));
      assert.ok(answer.headers.getSetCookie().every((c) => !c.includes('latchkey_session')));
      const bad = await h.handler.fetch(new Request(`${ORIGIN}/auth/github?port=80`));
      assert.equal(bad.status, 400);
    });
    await withHarness({ native: {} }, async (h) => {
      const browser = new Browser();
      const answer = await h.handler.fetch(
        browser.request(await h.authorize(browser, '?port=4567')),
      );
      assert.equal(answer.headers.get('location'), `${ORIGIN}/`);
    });
  });
});

describe('createAuthHandler with native: routes', () => {
  it('token and device are reserved provider ids, native or not', async () => {
    await withHarness({}, async (h) => {
      for (const id of ['token', 'device']) {
        const provider = { ...h.provider, id } as typeof h.provider;
        assert.throws(
          () => createAuthHandler(h.auth, { providers: [provider], secret: SECRET }),
          TypeError,
        );
      }
      assert.throws(
        () =>
          createAuthHandler(h.auth, {
            providers: [h.provider],
            secret: SECRET,
            native: { path: 'x' },
          }),
        TypeError,
      );
      assert.throws(
        () =>
          createAuthHandler(h.auth, {
            providers: [h.provider],
            secret: SECRET,
            native: { device: true, deviceInterval: 0 },
          }),
        TypeError,
      );
    });
  });

  it('answers 404 when off, 405 for the wrong method', async () => {
    const routes = [
      ['POST', '/auth/token'],
      ['POST', '/auth/device/code'],
      ['POST', '/auth/device/token'],
      ['GET', '/auth/device'],
    ] as const;
    await withHarness({}, async (h) => {
      for (const [method, path] of routes) {
        const response = await h.handler.fetch(new Request(`${ORIGIN}${path}`, { method }));
        assert.equal(response.status, 404, path);
      }
    });
    await withHarness({ native: {} }, async (h) => {
      for (const [method, path] of routes.slice(1)) {
        const response = await h.handler.fetch(new Request(`${ORIGIN}${path}`, { method }));
        assert.equal(response.status, 404, `device off: ${path}`);
      }
      const token = await h.handler.fetch(new Request(`${ORIGIN}/auth/token`, { method: 'POST' }));
      assert.equal(token.status, 400);
    });
    await withHarness({ native: { device: true } }, async (h) => {
      for (const [method, path] of routes) {
        const wrong = method === 'POST' ? 'GET' : 'POST';
        const response = await h.handler.fetch(new Request(`${ORIGIN}${path}`, { method: wrong }));
        assert.equal(response.status, 405, path);
      }
      for (const path of ['/auth/token/x', '/auth/device/other', '/auth/device/code/x']) {
        const response = await h.handler.fetch(new Request(`${ORIGIN}${path}`, { method: 'POST' }));
        assert.equal(response.status, 404, path);
      }
    });
  });

  it('rate-limits the token and device routes per client address: 429 with Retry-After', async () => {
    await withHarness({ native: { device: true }, rateLimit: { token: 2 } }, async (h) => {
      const routes = [
        ['POST', '/auth/token'],
        ['POST', '/auth/device/code'],
        ['POST', '/auth/device/token'],
        ['GET', '/auth/device'],
      ] as const;
      for (const [method, path] of routes) {
        const go = (address: string) =>
          h.handler.fetch(new Request(`${ORIGIN}${path}`, { method }), { clientAddress: address });
        assert.notEqual((await go(`${path}-a`)).status, 429, path);
        assert.notEqual((await go(`${path}-a`)).status, 429, path);
        const third = await go(`${path}-a`);
        assert.equal(third.status, 429, path);
        assert.deepEqual(await third.json(), { error: 'rate_limited' });
        const retry = Number(third.headers.get('retry-after'));
        assert.ok(retry >= 1 && retry <= 60, path);
        assert.notEqual((await go(`${path}-b`)).status, 429, `${path}: another address`);
      }
      // A wrong method is answered without counting.
      for (let i = 0; i < 3; i++) {
        const response = await h.handler.fetch(new Request(`${ORIGIN}/auth/token`), {
          clientAddress: 'c',
        });
        assert.equal(response.status, 405);
      }
      h.now.value += 60_000;
      const later = await h.handler.fetch(new Request(`${ORIGIN}/auth/token`, { method: 'POST' }), {
        clientAddress: '/auth/token-a',
      });
      assert.equal(later.status, 400, 'a new window');
    });
  });
});

describe('createAuthHandler with native: errors', () => {
  it('a store failure in a native route is logged and answered as in every route: 503', async () => {
    await withHarness({ native: { device: true } }, async (h) => {
      const code = generateToken('oneTimeCode').token;
      const deviceCode = generateToken('deviceCode').token;
      const cases = [
        ['takeTemp', post(`${ORIGIN}/auth/token`, { code, code_verifier: 'v'.repeat(43) })],
        ['addTemp', post(`${ORIGIN}/auth/device/code`, {})],
        [
          'getTemp',
          post(`${ORIGIN}/auth/device/token`, {
            grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
            device_code: deviceCode,
          }),
        ],
        ['getTemp', { request: new Request(`${ORIGIN}/auth/device?user_code=BCDF-GHJK`) }],
      ] as const;
      for (const [method, { request }] of cases) {
        const logged = h.logs.length;
        h.counting.failNext(method);
        const response = await h.handler.fetch(request);
        assert.equal(response.status, 503, request.url);
        assert.deepEqual(await response.json(), { error: 'store_unavailable' });
        assert.equal(response.headers.get('retry-after'), '5');
        assert.equal(response.headers.get('cache-control'), 'no-store');
        assert.equal(h.logs.length, logged + 1, request.url);
      }
    });
  });

  it('createNativeRoutes answers an unexpected error with a logged 500 and an error id', async () => {
    await withHarness({}, async (h) => {
      const logs: Array<Record<string, string>> = [];
      const store = new Proxy(h.auth.store, {
        get: (target, name) =>
          name === 'takeTemp'
            ? () => Promise.reject(new RangeError('broken'))
            : (Reflect.get(target, name) as unknown),
      });
      const routes = createNativeRoutes(h.auth, {
        providers: [],
        store,
        logger: { error: (_message, details) => void logs.push(details) },
      });
      const { request } = post(`${ORIGIN}/auth/token`, {
        code: generateToken('oneTimeCode').token,
        code_verifier: 'v'.repeat(43),
      });
      const response = (await routes.match(request, new URL(request.url), '/auth'))!;
      assert.equal(response.status, 500);
      assert.deepEqual(await response.json(), { error: 'server_error' });
      const errorId = response.headers.get('x-latchkey-error-id');
      assert.ok(errorId);
      assert.deepEqual(logs, [{ errorId, name: 'RangeError', code: 'none' }]);
    });
  });
});
