// success_url validation: a long list of open-redirect tricks must all fall back (null), and
// ordinary same-origin paths and allowed origins must pass.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveRedirectTarget } from '../src/http/redirect.ts';

const ORIGIN = 'https://app.example.com';
const ALLOWED = ['https://admin.example.com'];

const NASTY = [
  '//evil.com',
  '///evil.com',
  '////evil.com',
  '/\\evil.com',
  '\\\\evil.com',
  '\\/evil.com',
  '/%2F%2Fevil.com',
  '/%2f%2fevil.com',
  '/%5C%5Cevil.com',
  '/%5cevil.com',
  '%2F%2Fevil.com',
  '/.//evil.com',
  '/./%2F/evil.com',
  '/a/..//evil.com',
  '/..//evil.com',
  'https:evil.com',
  'https:/evil.com',
  'http:evil.com',
  'https://evil.com',
  'http://evil.com/',
  'HTTPS://EVIL.COM',
  'https://app.example.com.evil.com',
  'https://app.example.com@evil.com',
  'https://good@evil.com',
  'https://user:pass@app.example.com/',
  'https://app.example.com:pass@evil.com',
  'https://evil.com\\@app.example.com',
  'https://evil.com#@app.example.com',
  'http://app.example.com/', // same host, other scheme: another origin
  'https://app.example.com:8443/',
  'javascript:alert(1)',
  'JavaScript:alert(1)',
  'java\tscript:alert(1)',
  ' javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  'ftp://evil.com',
  'blob:https://app.example.com/x',
  ' /dashboard',
  '/ /evil.com',
  '\t//evil.com',
  '/\t/evil.com',
  '/\n/evil.com',
  '/\r\n/evil.com',
  '\n//evil.com',
  '/%0d%0aSet-Cookie:x=1',
  '/%0D%0ALocation:%20https://evil.com',
  '/%00',
  '/%09/evil.com',
  '/%',
  '/%zz',
  '/%2',
  '/%252F%252Fevil.com',
  '/\u3002evil.com',
  'https://evil\u3002com',
  'https://app\uff0eexample.com',
  '/\u2215\u2215evil.com',
  '/\uff0f\uff0fevil.com',
  '\u200b//evil.com',
  '/\u00a0/evil.com',
  'evil.com',
  'dashboard',
  './dashboard',
  '../dashboard',
  '?next=1',
  '#frag',
  '',
  '/' + 'a'.repeat(3000),
  'https://admin.example.com.evil.com/',
  'https://evil.com/https://admin.example.com',
  'https://[::1]/',
  'https://127.0.0.1/',
];

describe('resolveRedirectTarget', () => {
  for (const value of NASTY) {
    it(`refuses ${JSON.stringify(value).slice(0, 60)}`, () => {
      assert.equal(resolveRedirectTarget(value, ORIGIN, ALLOWED), null);
    });
  }

  it('refuses non-strings and absent values', () => {
    assert.equal(resolveRedirectTarget(null, ORIGIN, ALLOWED), null);
    assert.equal(resolveRedirectTarget(undefined, ORIGIN, ALLOWED), null);
    assert.equal(resolveRedirectTarget(42 as unknown as string, ORIGIN, ALLOWED), null);
  });

  const GOOD: [string, string][] = [
    ['/', 'https://app.example.com/'],
    ['/dashboard', 'https://app.example.com/dashboard'],
    ['/dashboard?tab=keys&x=1#top', 'https://app.example.com/dashboard?tab=keys&x=1#top'],
    ['/a/./b/../c', 'https://app.example.com/a/c'],
    ['/caf%C3%A9', 'https://app.example.com/caf%C3%A9'],
    ['/search?q=a%20b', 'https://app.example.com/search?q=a%20b'],
    ['https://app.example.com/settings', 'https://app.example.com/settings'],
    ['HTTPS://APP.EXAMPLE.COM/settings', 'https://app.example.com/settings'],
    ['https://admin.example.com/', 'https://admin.example.com/'],
    ['https://admin.example.com:443/x', 'https://admin.example.com/x'],
  ];
  for (const [value, expected] of GOOD) {
    it(`follows ${value}`, () => {
      assert.equal(resolveRedirectTarget(value, ORIGIN, ALLOWED), expected);
    });
  }

  it('only follows allowed origins that were configured', () => {
    assert.equal(resolveRedirectTarget('https://admin.example.com/', ORIGIN, []), null);
  });

  it('answers quickly on pathological input (no backtracking)', () => {
    const start = performance.now();
    for (let i = 0; i < 200; i++) {
      resolveRedirectTarget('/' + '%2'.repeat(600), ORIGIN, ALLOWED);
      resolveRedirectTarget('https://' + 'a.'.repeat(900), ORIGIN, ALLOWED);
    }
    assert.ok(performance.now() - start < 1000);
  });
});
