// Fuzzing every route's parameters and headers: random bytes, 64 KiB values, duplicates,
// `__proto__` keys, dot segments and encoded slashes, bad %-encoding, non-ASCII cookies.
// Always a 4xx, never an unhandled exception or a 5xx, never a store write.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, createHarness, ORIGIN, type Harness } from './http-harness.ts';
import type { MemoryStore } from '../src/stores/memory-store.ts';

let rngState = 0x5eed;
function random(): number {
  // xorshift32: reproducible runs.
  rngState ^= rngState << 13;
  rngState ^= rngState >>> 17;
  rngState ^= rngState << 5;
  return (rngState >>> 0) / 0x100000000;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

function randomText(max: number): string {
  const length = Math.floor(random() * max);
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(Math.floor(random() * 0x2ff));
  return out;
}

const PATHS = [
  '/auth/github',
  '/auth/github/callback',
  '/auth/github/link',
  '/auth/github/unlink',
  '/auth/session',
  '/auth/sessions',
  '/auth/sessions/aaaaaaaaaaaaaaaaaaaaaaaa',
  '/auth/logout',
  '/auth/logout-all',
  '/auth/error',
  '/auth/..%2fgithub',
  '/auth/%2e%2e/github',
  '/auth/github%2fcallback',
  '/auth/github%2Fcallback',
  '/auth/GitHub',
  '/auth/__proto__',
  '/auth/constructor',
  '/auth/toString/callback',
  '/auth/github/callback/extra',
  '/auth//github',
  '/auth/github/',
  '/auth/%E0%A4%A',
  '/auth/%ff',
  '/auth/github;x=1/callback',
  '/auth/gith%75b',
  '/auth/\u00e9',
  '/auth',
  '/authx/github',
  '/auth/unknown',
  '/auth/unknown/callback',
];
const PARAMS = [
  'code',
  'state',
  'iss',
  'error',
  'scope',
  'success_url',
  '__proto__',
  'constructor',
  'all',
  'x',
];
const VALUES = [
  '',
  '%',
  '%zz',
  '%00',
  '%0d%0a',
  '\u0000',
  '../../etc/passwd',
  '//evil.test',
  'javascript:alert(1)',
  '<script>alert(1)</script>',
  'a'.repeat(64 * 1024),
  '\ud800',
  '💥',
  'read:user,repo',
];
const HEADERS = [
  'cookie',
  'authorization',
  'origin',
  'sec-fetch-site',
  'x-forwarded-for',
  'x-forwarded-host',
  'user-agent',
  'accept',
];
const HEADER_VALUES = [
  '',
  'null',
  'Bearer ',
  'Bearer lks_aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
  '__Host-latchkey_flow=' + 'A'.repeat(5000),
  '__Host-latchkey_flow=%%%; __Host-latchkey_session=%ff',
  '__Host-latchkey_session=caf\u00e9',
  '__proto__=1; constructor=2',
  'latchkey_flow=x; latchkey_flow=y',
  'https://evil.test',
  'a'.repeat(64 * 1024),
  '\u00ff\u00fe',
];
const METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'HEAD', 'OPTIONS', 'PATCH'];

/** Percent-encodes, or passes raw bytes through when the text is not well-formed UTF-16. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

function buildRequest(): Request | null {
  let query = '';
  const n = Math.floor(random() * 5);
  for (let i = 0; i < n; i++) {
    const key = random() < 0.8 ? pick(PARAMS) : encode(randomText(8));
    let value = random() < 0.7 ? pick(VALUES) : randomText(40);
    if (!value.includes('%')) value = encode(value);
    query += `${i === 0 ? '?' : '&'}${key}=${value}`;
  }
  const headers = new Headers();
  const h = Math.floor(random() * 4);
  for (let i = 0; i < h; i++) {
    try {
      headers.append(pick(HEADERS), random() < 0.8 ? pick(HEADER_VALUES) : randomText(50));
    } catch {
      // A value fetch itself refuses never reaches a server either.
    }
  }
  try {
    return new Request(`${ORIGIN}${pick(PATHS)}${query}`, { method: pick(METHODS), headers });
  } catch {
    return null;
  }
}

describe('fuzzing the routes', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness();
  });
  after(() => h.close());

  it('answers 2000 random requests with 3xx/4xx only, no exception, no store write', async () => {
    const writesBefore = h.counting.writes();
    const statuses = new Map<number, number>();
    let built = 0;
    for (let i = 0; i < 2000; i++) {
      const request = buildRequest();
      if (!request) continue;
      built++;
      const response = await h.handler.fetch(request);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      assert.ok(
        response.status < 500,
        `${request.method} ${request.url.slice(0, 200)} → ${response.status}`,
      );
      // A 302 may only be a sign-in start to the provider (which writes nothing).
      if (response.status === 302) {
        assert.ok(response.headers.get('location')!.startsWith(h.double.url));
      }
      await response.arrayBuffer();
    }
    assert.ok(built > 1900);
    assert.equal(h.counting.writes(), writesBefore, 'no store write');
    assert.deepEqual(unexpected(h.logs), [], 'no unexpected error was logged');
    assert.ok((statuses.get(404) ?? 0) > 0 && (statuses.get(400) ?? 0) > 0);
  });

  it('fuzzes the callback of a real flow: tampered values never reach the token endpoint', async () => {
    const b = new Browser();
    const callback = new URL(await h.authorize(b));
    const exchanges = h.double.stats.codeExchanges;
    const writes = h.counting.writes();
    const mutations: ((u: URL) => void)[] = [
      (u) => u.searchParams.set('state', u.searchParams.get('state')! + 'x'),
      (u) => u.searchParams.set('state', ''),
      (u) => u.searchParams.delete('state'),
      (u) => u.searchParams.append('code', 'again'),
      (u) => u.searchParams.append('iss', 'x'),
      (u) => u.searchParams.set('state', 'a'.repeat(64 * 1024)),
      (u) => (u.search += '&state=%zz'),
    ];
    for (const mutate of mutations) {
      const u = new URL(callback);
      mutate(u);
      const r = await h.handler.fetch(b.request(u.href));
      assert.ok(r.status === 400 || r.status === 414, `${r.status} for ${u.search.slice(0, 80)}`);
    }
    assert.equal(h.double.stats.codeExchanges, exchanges);
    assert.equal(h.counting.writes(), writes);
  });
});

// With native sign-in on: its routes, its start parameters, and inherited property names as
// path segments, provider ids, parameter names and body keys.
const INHERITED = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];
const NATIVE_ROUTES = [
  '/auth/token',
  '/auth/device',
  '/auth/device/code',
  '/auth/device/token',
  '/auth/github',
  '/auth/github/confirm',
  '/auth/github/callback',
  '/auth/valueOf',
  '/auth/valueOf/confirm',
];
const NATIVE_PATHS = [
  ...NATIVE_ROUTES,
  ...INHERITED.flatMap((n) => [`/auth/${n}`, `/auth/${n}/callback`, `/auth/device/${n}`]),
];
// 10,000 cases for each route, then 10,000 over every path at random (inherited names too).
const FUZZ_ROUTES: (string | undefined)[] = [...NATIVE_ROUTES, undefined];
const NATIVE_PARAMS = [
  'redirect_uri',
  'state',
  'code_challenge',
  'code_challenge_method',
  'port',
  'device_user_code',
  'success_url',
  'scope',
  'user_code',
  ...INHERITED,
];
const NATIVE_VALUES = [
  ...VALUES,
  'http://127.0.0.1:49152/callback',
  'http://[::1]:65535/callback',
  'http://localhost:1024/callback',
  'http://127.1:49152/callback',
  'http://127.0.0.1:80/callback',
  'S256',
  'plain',
  'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  'app-state-0123456789',
  '53682',
  'ABCD-EFGH',
  `/${'a'.repeat(1100)}`,
];
const BODY_KEYS = ['code', 'code_verifier', 'grant_type', 'device_code', 'decision', ...INHERITED];
const BODY_VALUES = [
  '',
  'lkc_aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
  'lkd_aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
  'urn:ietf:params:oauth:grant-type:device_code',
  'authorization_code',
  'confirm',
  '\u0000',
  'x'.repeat(9000),
];
const TYPES = [
  'application/x-www-form-urlencoded',
  'application/json',
  'text/plain',
  'multipart/form-data',
];

function nativeBody(): { type: string; body: string } {
  const type = pick(TYPES);
  const n = Math.floor(random() * 5);
  const pairs: [string, string][] = [];
  for (let i = 0; i < n; i++) {
    pairs.push([
      random() < 0.85 ? pick(BODY_KEYS) : randomText(6),
      random() < 0.8 ? pick(BODY_VALUES) : randomText(30),
    ]);
  }
  if (type === 'application/json') {
    const roll = random();
    if (roll < 0.1) return { type, body: randomText(40) };
    if (roll < 0.2) return { type, body: `[${JSON.stringify(pick(BODY_VALUES))}]` };
    // Written by hand, so keys can repeat (JSON.stringify of an object could not).
    const members = pairs.map(
      ([k, v]) => `${JSON.stringify(k)}:${random() < 0.1 ? '1' : JSON.stringify(v)}`,
    );
    return { type, body: `{${members.join(',')}}` };
  }
  return { type, body: pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&') };
}

function nativeRequest(path: string = pick(NATIVE_PATHS)): Request | null {
  let query = '';
  const n = Math.floor(random() * 6);
  for (let i = 0; i < n; i++) {
    const key = random() < 0.9 ? pick(NATIVE_PARAMS) : encode(randomText(8));
    const value = random() < 0.8 ? pick(NATIVE_VALUES) : randomText(40);
    query += `${i === 0 ? '?' : '&'}${key}=${value.includes('%') ? value : encode(value)}`;
  }
  const method = random() < 0.5 ? 'POST' : pick(METHODS);
  const headers = new Headers();
  try {
    if (random() < 0.5) headers.set('sec-fetch-site', pick(['same-origin', 'cross-site', 'none']));
    if (random() < 0.3) headers.set('origin', pick([ORIGIN, 'null', 'https://evil.test']));
    if (random() < 0.2) headers.append(pick(HEADERS), pick(HEADER_VALUES));
  } catch {
    // a value fetch refuses
  }
  let body: string | undefined;
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    const made = nativeBody();
    headers.set('content-type', made.type);
    body = made.body;
  }
  try {
    return new Request(`${ORIGIN}${path}${query}`, { method, headers, body: body ?? null });
  } catch {
    return null;
  }
}

describe('fuzzing the native and device routes (native on)', () => {
  it(
    'answers 10,000 random requests per route with a 4xx or the documented success; rejected input writes nothing',
    { timeout: 600_000 },
    async () => {
      const h = await createHarness({ native: { device: true } }, (p) => [{ ...p, id: 'valueOf' }]);
      try {
        const started = Date.now();
        const statuses = new Map<number, number>();
        let built = 0;
        const memory = h.counting.store as unknown as MemoryStore;
        for (let i = 0; i < 10_000 * FUZZ_ROUTES.length; i++) {
          const request = nativeRequest(FUZZ_ROUTES[Math.floor(i / 10_000)]);
          if (!request) continue;
          built++;
          const writes = h.counting.writes();
          const taken = h.counting.calls.get('takeTemp') ?? 0;
          const records = memory.temporaryRecordCount;
          const path = new URL(request.url).pathname;
          const response = await h.handler.fetch(request);
          const label = `${request.method} ${request.url.slice(0, 160)} → ${response.status}`;
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          assert.ok(response.status < 500, label);
          if (response.status >= 400) {
            // A well-formed code is taken before its verifier is checked (a wrong verifier burns
            // it); for a code that does not exist that take changes nothing. Nothing else writes.
            const takes = (h.counting.calls.get('takeTemp') ?? 0) - taken;
            assert.equal(h.counting.writes() - writes, takes, `write: ${label}`);
            assert.equal(memory.temporaryRecordCount, records, `record taken: ${label}`);
          }
          // The documented successes: a start (302/303 to the provider, or to the app's listener
          // on a cancel), the confirmation or device page (200), a new device code (200).
          if (response.status === 200) {
            assert.ok(
              ['/auth/device', '/auth/device/code', '/auth/github', '/auth/valueOf'].includes(path),
              label,
            );
            if (path !== '/auth/device/code') assert.equal(h.counting.writes(), writes, label);
          }
          if (response.status === 302 || response.status === 303) {
            const location = response.headers.get('location')!;
            assert.ok(
              location.startsWith(h.double.url) ||
                location.startsWith(`${ORIGIN}/auth/error`) ||
                location.startsWith('http://127.0.0.1:') ||
                location.startsWith('http://[::1]:'),
              label,
            );
          }
          await response.arrayBuffer();
        }
        const seconds = (Date.now() - started) / 1000;
        assert.ok(built > 9500 * FUZZ_ROUTES.length, `${built} requests built`);
        assert.ok(seconds < 600, `${seconds} s`);
        assert.deepEqual(unexpected(h.logs), [], 'no unexpected error was logged');
        assert.ok((statuses.get(404) ?? 0) > 0 && (statuses.get(400) ?? 0) > 0);
        console.log(
          `native fuzz: ${built} requests in ${seconds.toFixed(1)} s`,
          Object.fromEntries(statuses),
        );
      } finally {
        await h.close();
      }
    },
  );
});

describe('load', () => {
  it('a flood of sign-in starts writes nothing to the store', async () => {
    const h = await createHarness();
    try {
      const writes = h.counting.writes();
      const responses = await Promise.all(
        Array.from({ length: 500 }, () => h.handler.fetch(new Request(`${ORIGIN}/auth/github`))),
      );
      assert.ok(responses.every((r) => r.status === 302));
      assert.equal(h.counting.writes(), writes);
    } finally {
      await h.close();
    }
  });

  it('with rate limiting on, the flood is cut off and counters stay one per window and address', async () => {
    const h = await createHarness({ rateLimit: { signIn: 10, callback: 10 } });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 100 }, () =>
          h.handler
            .fetch(new Request(`${ORIGIN}/auth/github`), { clientAddress: '192.0.2.1' })
            .then((r) => r.status),
        ),
      );
      assert.equal(statuses.filter((s) => s === 302).length, 10);
      assert.equal(statuses.filter((s) => s === 429).length, 90);
      assert.equal(new Set(h.counting.counterKeys).size, 1);
      const callback = await h.handler.fetch(
        new Request(`${ORIGIN}/auth/github/callback?code=x&state=y`),
        {
          clientAddress: '192.0.2.1',
        },
      );
      assert.equal(callback.status, 400, 'callbacks have their own budget');
    } finally {
      await h.close();
    }
  });
});

/** The log lines other than failed sign-ins (which every refused callback writes). */
function unexpected(logs: readonly { message: string }[]): { message: string }[] {
  return logs.filter((line) => line.message !== 'latchkey: sign-in failed');
}
