// The handler's requestOrigin parses each distinct scheme-and-authority once: the answer must
// be exactly what parsing the whole URL gives, for every shape of URL, and the memory bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLatchkey } from '../src/core/latchkey.ts';
import { createAuthHandler } from '../src/http/index.ts';
import { github } from '../src/providers/github.ts';
import { memoryStore } from '../src/stores/memory-store.ts';

const handler = createAuthHandler(createLatchkey({ store: memoryStore() }), {
  providers: [github({ clientId: 'id', clientSecret: 'secret' })],
  secret: 's'.repeat(32),
});
const originOf = (url: string) => handler.requestOrigin({ url, headers: {} });

describe('requestOrigin', () => {
  it('answers as parsing the whole URL does, whatever its shape', () => {
    const urls = [
      'http://127.0.0.1:3000/me',
      'http://127.0.0.1:3000/',
      'HTTP://EXAMPLE.com:80/a?b#c',
      'https://example.com:443/x',
      'https://user:pw@example.com/x',
      'http://example.com\\evil.test/x',
      'http://example.com?x=/y',
      'http://example.com#/y',
      'http://example.com',
      'https://[::1]:8443/auth/session',
      'https://bücher.example/x',
      'http:example.com/x',
    ];
    for (const url of urls) {
      // Twice: the second answer comes from what the first one remembered.
      assert.equal(originOf(url), new URL(url).origin, url);
      assert.equal(originOf(url), new URL(url).origin, url);
    }
  });

  it('stays right past its bound of remembered origins', () => {
    for (let port = 1000; port < 1200; port++) {
      assert.equal(originOf(`http://127.0.0.1:${port}/p`), `http://127.0.0.1:${port}`);
    }
    assert.equal(originOf('http://127.0.0.1:1000/q'), 'http://127.0.0.1:1000');
  });

  it('still refuses what is not a URL', () => {
    assert.throws(() => originOf('not a url/x'), TypeError);
  });
});
