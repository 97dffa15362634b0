// parseNativeStart: which redirect URIs, states and challenges a native start may carry
// (RFC 8252 §7.3, docs/security.md, native apps). Every refusal is checked to be an error, not a
// silent fall-back to an ordinary web sign-in.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isNativeStartError, parseNativeStart } from '../src/http/native/loopback.ts';
import { parseTokenInRedirectStart } from '../src/http/native/token-in-redirect.ts';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const STATE = 'af0ifjsldkj-state_value';

function start(redirectURI: string, extra: Record<string, string> = {}): URL {
  const url = new URL('https://auth.example.com/auth/github');
  url.searchParams.set('redirect_uri', redirectURI);
  url.searchParams.set('state', STATE);
  url.searchParams.set('code_challenge', CHALLENGE);
  url.searchParams.set('code_challenge_method', 'S256');
  for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
  return url;
}

const ACCEPTED = [
  'http://127.0.0.1:1024/callback',
  'http://127.0.0.1:53682/callback',
  'http://127.0.0.1:65535/callback',
  'http://[::1]:8080/callback',
];

const REJECTED = [
  // other hosts and other spellings of the loopback address
  'http://localhost:8080/callback', // only with allowLocalhost
  'http://LOCALHOST:8080/callback',
  'http://localhost.:8080/callback',
  'http://127.1:8080/callback',
  'http://127.0.1:8080/callback',
  'http://0x7f.0.0.1:8080/callback',
  'http://0x7f000001:8080/callback',
  'http://2130706433:8080/callback',
  'http://017700000001:8080/callback',
  'http://0177.0.0.1:8080/callback',
  'http://127.0.0.01:8080/callback',
  'http://127.000.000.001:8080/callback',
  'http://127.0.0.2:8080/callback',
  'http://127.0.0.1.:8080/callback',
  'http://127.0.0.1.nip.io:8080/callback',
  'http://127.0.0.1.evil.example:8080/callback',
  'http://0.0.0.0:8080/callback',
  'http://0:8080/callback',
  'http://[::]:8080/callback',
  'http://[0:0:0:0:0:0:0:1]:8080/callback',
  'http://[::ffff:127.0.0.1]:8080/callback',
  'http://[::ffff:7f00:1]:8080/callback',
  'http://[::1%25lo]:8080/callback',
  'http://::1:8080/callback',
  'http://%31%32%37.0.0.1:8080/callback',
  'http://127%2E0%2E0%2E1:8080/callback',
  'http://１２７.０.０.１:8080/callback',
  'http://evil.example:8080/callback',
  'http://evil.example/callback',
  'http://auth.example.com/callback',
  // userinfo
  'http://user@127.0.0.1:8080/callback',
  'http://user:pass@127.0.0.1:8080/callback',
  'http://127.0.0.1:8080@evil.example/callback',
  'http://evil.example@127.0.0.1:8080/callback',
  'http://@127.0.0.1:8080/callback',
  // schemes
  'https://127.0.0.1:8080/callback',
  'HTTP://127.0.0.1:8080/callback',
  'ftp://127.0.0.1:8080/callback',
  'javascript://127.0.0.1:8080/callback',
  'file:///callback',
  'myapp://callback',
  'com.example.app:/callback',
  '//127.0.0.1:8080/callback',
  'http:/127.0.0.1:8080/callback',
  'http:\\\\127.0.0.1:8080/callback',
  'http://127.0.0.1:8080\\callback',
  ' http://127.0.0.1:8080/callback',
  'http://127.0.0.1:8080/callback ',
  'http://127.0.0.1:8080/callback\n',
  'http://127.0.0.1\t:8080/callback',
  // ports
  'http://127.0.0.1/callback',
  'http://127.0.0.1:/callback',
  'http://127.0.0.1:0/callback',
  'http://127.0.0.1:80/callback',
  'http://127.0.0.1:1023/callback',
  'http://127.0.0.1:65536/callback',
  'http://127.0.0.1:99999/callback',
  'http://127.0.0.1:08080/callback',
  'http://127.0.0.1:8080:9090/callback',
  'http://127.0.0.1:+8080/callback',
  'http://127.0.0.1:0x1f90/callback',
  // path, query, fragment
  'http://127.0.0.1:8080',
  'http://127.0.0.1:8080/',
  'http://127.0.0.1:8080/callback/',
  'http://127.0.0.1:8080/Callback',
  'http://127.0.0.1:8080/callback/../callback',
  'http://127.0.0.1:8080/other/../callback',
  'http://127.0.0.1:8080/%63allback',
  'http://127.0.0.1:8080//callback',
  'http://127.0.0.1:8080/callback?x=1',
  'http://127.0.0.1:8080/callback?',
  'http://127.0.0.1:8080/callback#frag',
  'http://127.0.0.1:8080/callback#',
  'http://127.0.0.1:8080/callback;x',
  '',
];

describe('parseNativeStart: redirect_uri', () => {
  for (const uri of ACCEPTED) {
    test(`accepts ${uri}`, () => {
      const result = parseNativeStart(start(uri));
      assert.ok(result && !isNativeStartError(result), `expected ${uri} to be accepted`);
      assert.deepEqual(result, { redirectURI: uri, appState: STATE, codeChallenge: CHALLENGE });
    });
  }
  for (const uri of REJECTED) {
    test(`refuses ${JSON.stringify(uri)}`, () => {
      const result = parseNativeStart(start(uri));
      assert.ok(isNativeStartError(result), `expected ${JSON.stringify(uri)} to be refused`);
      assert.equal(result.error, 'invalid_request');
      if (uri !== '') assert.ok(!result.errorDescription.includes(uri), 'no echo of the input');
    });
  }
  test('localhost only when enabled, and then only in that exact spelling', () => {
    const ok = parseNativeStart(start('http://localhost:8080/callback'), { allowLocalhost: true });
    assert.ok(ok && !isNativeStartError(ok));
    for (const uri of ['http://localhost.:8080/callback', 'http://LocalHost:8080/callback']) {
      assert.ok(isNativeStartError(parseNativeStart(start(uri), { allowLocalhost: true })));
    }
  });
  test('a configured path is the only one accepted', () => {
    const options = { path: '/oauth/done' };
    assert.ok(
      !isNativeStartError(parseNativeStart(start('http://127.0.0.1:8080/oauth/done'), options)),
    );
    assert.ok(
      isNativeStartError(parseNativeStart(start('http://127.0.0.1:8080/callback'), options)),
    );
    assert.throws(
      () => parseNativeStart(start('http://127.0.0.1:8080/x'), { path: 'no-slash' }),
      TypeError,
    );
  });
});

describe('parseNativeStart: state and PKCE', () => {
  const uri = 'http://127.0.0.1:8080/callback';
  test('null for an ordinary web start', () => {
    assert.equal(parseNativeStart(new URL('https://a.example/auth/github')), null);
    assert.equal(parseNativeStart(new URL('https://a.example/auth/github?scope=x')), null);
  });
  test('each native parameter alone makes it a native start that must be complete', () => {
    for (const name of ['redirect_uri', 'state', 'code_challenge', 'code_challenge_method']) {
      const url = new URL('https://a.example/auth/github');
      url.searchParams.set(name, 'x');
      assert.ok(isNativeStartError(parseNativeStart(url)), name);
    }
  });
  const bad: Array<[string, Record<string, string>]> = [
    ['short state', { state: 'abc' }],
    ['state with a space', { state: 'abc def ghi' }],
    ['state with non-ASCII', { state: 'éééééééééé' }],
    ['huge state', { state: 'a'.repeat(513) }],
    ['empty state', { state: '' }],
    ['short challenge', { code_challenge: 'a'.repeat(42) }],
    ['long challenge', { code_challenge: 'a'.repeat(129) }],
    ['challenge with padding', { code_challenge: `${CHALLENGE.slice(0, 42)}=` }],
    ['challenge with +', { code_challenge: `${CHALLENGE.slice(0, 42)}+` }],
    ['plain method', { code_challenge_method: 'plain' }],
    ['lowercase method', { code_challenge_method: 's256' }],
    ['empty method', { code_challenge_method: '' }],
  ];
  for (const [name, extra] of bad) {
    test(`refuses ${name}`, () => {
      assert.ok(isNativeStartError(parseNativeStart(start(uri, extra))));
    });
  }
  test('refuses a missing method (no silent plain default) and repeated parameters', () => {
    const url = start(uri);
    url.searchParams.delete('code_challenge_method');
    assert.ok(isNativeStartError(parseNativeStart(url)));
    for (const name of ['redirect_uri', 'state', 'code_challenge', 'code_challenge_method']) {
      const repeated = start(uri);
      repeated.searchParams.append(name, repeated.searchParams.get(name)!);
      assert.ok(isNativeStartError(parseNativeStart(repeated)), name);
    }
  });
});

describe('parseTokenInRedirectStart', () => {
  const url = new URL('https://a.example/auth/github?port=53682');
  test('is off by default: ?port means nothing', () => {
    assert.equal(parseTokenInRedirectStart(url, undefined), null);
    assert.equal(parseTokenInRedirectStart(url, {}), null);
  });
  test('when enabled, takes one decimal port 1024-65535', () => {
    const on = { unsafeTokenInLoopbackRedirect: true };
    assert.deepEqual(parseTokenInRedirectStart(url, on), { port: 53682 });
    for (const port of ['80', '0', '65536', '08080', '8080x', '', '0x1f90', '+8080']) {
      const result = parseTokenInRedirectStart(
        new URL(`https://a.example/?port=${encodeURIComponent(port)}`),
        on,
      );
      assert.ok(result && 'error' in result, port);
    }
    assert.ok(
      'error' in
        (parseTokenInRedirectStart(new URL('https://a.example/?port=8080&port=9090'), on) ?? {}),
    );
  });
});
