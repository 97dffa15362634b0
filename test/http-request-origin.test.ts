// The handler's requestOrigin parses each distinct scheme-and-authority once: the answer must
// be exactly what parsing the whole URL gives, for every shape of URL, and the memory bounded.
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { getSession } from '../src/adapters/node.ts';
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

describe('the node adapter’s request origin', () => {
  // With `cookie.insecureLocalhost`, a loopback origin's port names the session cookie, so a
  // wrong (or stale remembered) origin shows as a missing session.
  const auth = createLatchkey({ store: memoryStore(), cookie: { insecureLocalhost: true } });
  const nodeHandler = createAuthHandler(auth, {
    providers: [github({ clientId: 'id', clientSecret: 'secret' })],
    secret: 's'.repeat(32),
  });

  async function withServer(fn: (port: number) => Promise<void>): Promise<void> {
    const server = createServer((req, res) => {
      getSession(auth, nodeHandler, req, res).then(
        (result) => res.writeHead(result ? 200 : 401).end(result?.user.id ?? ''),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await fn((server.address() as AddressInfo).port);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  function get(port: number, host: string, cookie: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request({ port, host: '127.0.0.1', headers: { host, cookie } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject).end();
    });
  }

  it('names the cookie from each Host, past its bound of remembered hosts too', async () => {
    const user = await auth.createUser({ attributes: {} });
    const { token } = await auth.createSession({ userId: user.id });
    await withServer(async (port) => {
      for (let p = 2000; p < 2100; p++) {
        assert.equal(await get(port, `127.0.0.1:${p}`, `latchkey_session_${p}=${token}`), 200);
        // The cookie of another port is not this origin's.
        assert.equal(await get(port, `127.0.0.1:${p}`, `latchkey_session_${p + 1}=${token}`), 401);
      }
      assert.equal(await get(port, 'LOCALHOST:2000', `latchkey_session_2000=${token}`), 200);
      // Missing or malformed hosts count as `localhost` (port 80), and never fail the request.
      assert.equal(await get(port, '[:::]', `latchkey_session_80=${token}`), 200);
      assert.equal(await get(port, 'a b', `latchkey_session_80=${token}`), 200);
    });
  });
});
