// Fuzzing every route's parameters and headers: random bytes, 64 KiB values, duplicates,
// `__proto__` keys, dot segments and encoded slashes, bad %-encoding, non-ASCII cookies.
// Always a 4xx, never an unhandled exception or a 5xx, never a store write.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, createHarness, ORIGIN, type Harness } from './http-harness.ts';

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
    assert.equal(h.logs.length, 0, 'no unexpected error was logged');
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
