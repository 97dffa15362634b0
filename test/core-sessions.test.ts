import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Cookie, createLatchkey, readBearerToken, readCookie } from '../src/index.ts';
import { readRequestSession } from '../src/core/request.ts';
import { parseToken } from '../src/core/session-token.ts';
import { sha256, sha256Binary, sha256Portable } from '../src/core/sha256.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { countingStore } from './counting-store.ts';

describe('sha256', () => {
  it('the portable implementation matches node:crypto on many lengths', () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 4096]) {
      const data = randomBytes(length);
      assert.deepEqual(
        Buffer.from(sha256Portable(data)).toString('hex'),
        createHash('sha256').update(data).digest('hex'),
      );
    }
    assert.equal(
      Buffer.from(sha256('abc')).toString('hex'),
      createHash('sha256').update('abc').digest('hex'),
    );
    for (const text of ['', 'abc', 'é😀', 'x'.repeat(100)]) {
      const expected = createHash('sha256').update(text).digest('hex');
      assert.equal(Buffer.from(sha256Binary(text), 'latin1').toString('hex'), expected);
    }
  });
});

describe('session tokens', () => {
  it('parse only exact tokens of their own kind', () => {
    const good = 'lks_' + 'a'.repeat(24) + '.' + 'b'.repeat(32);
    assert.deepEqual(parseToken('session', good), { id: 'a'.repeat(24), secret: 'b'.repeat(32) });
    assert.equal(parseToken('oneTimeCode', good), null, 'a session token is not a one-time code');
    assert.equal(parseToken('session', 'lkc_' + good.slice(4)), null);
    for (const bad of [
      '',
      'lks_',
      good + 'a',
      good.slice(0, -1),
      good.toUpperCase(),
      good.replace('.', '_'),
      good.replace('a', '1'),
      good.replace('b', 'é'),
      ' ' + good.slice(1),
      null,
      undefined,
      42,
      {},
    ]) {
      assert.equal(parseToken('session', bad as never), null, String(bad));
    }
  });
});

describe('validateSession never throws on bad tokens and writes nothing', () => {
  it('empty, oversized, non-ASCII, wrong-prefix, truncated, random → null', async () => {
    const { store, writes } = countingStore(memoryStore());
    const auth = createLatchkey({ store });
    const user = await auth.createUser({ attributes: {} });
    const { token } = await auth.createSession({ userId: user.id });
    const before = writes();
    const cases: unknown[] = [
      '',
      ' ',
      'x'.repeat(64 * 1024),
      '名前'.repeat(30),
      'lkc_' + token.slice(4),
      token.slice(0, -3),
      token + '=',
      token.replace('lks_', 'LKS_'),
      '\u0000'.repeat(61),
      null,
      undefined,
      ...Array.from({ length: 200 }, () =>
        randomBytes(Math.floor(Math.random() * 80)).toString('latin1'),
      ),
      ...Array.from({ length: 50 }, () => 'lks_' + randomBytes(28).toString('base64url')),
    ];
    for (const bad of cases) assert.equal(await auth.validateSession(bad as string), null);
    assert.equal(writes(), before);
    assert.ok(await auth.validateSession(token));
  });

  it('cookie and authorization headers: garbage → null via handleRequest', async () => {
    const auth = createLatchkey({ store: memoryStore() });
    const user = await auth.createUser({ attributes: {} });
    const { token } = await auth.createSession({ userId: user.id });
    const headers = [
      { cookie: `__Host-latchkey_session=${token}` },
      { authorization: `Bearer ${token}` },
      { authorization: `bearer ${token}` },
    ];
    for (const h of headers) {
      const req = auth.handleRequest({ headers: h });
      const ok = 'cookie' in h ? await req.validate() : await req.validateBearerToken();
      assert.equal(ok?.user.id, user.id);
    }
    const bad = [
      { cookie: 'a'.repeat(70_000) },
      { cookie: `__Host-latchkey_session=${token}; __Host-latchkey_session=${token}` },
      { cookie: `latchkey_session=${token}` },
      { cookie: '__Host-latchkey_session=%E0%A4%A' },
      { cookie: '=;;;=;' },
      { authorization: `Bearer  ${token}` },
      { authorization: `Basic ${token}` },
      { authorization: `Bearer ${token} extra` },
      { authorization: 'Bearer ' + 'x'.repeat(70_000) },
      { authorization: 'Bearer ☃' },
      { authorization: 'Bearer' },
    ];
    for (const h of bad) {
      const req = auth.handleRequest({ headers: h });
      assert.equal(await req.validate(), null, JSON.stringify(h).slice(0, 80));
      assert.equal(await req.validateBearerToken(), null, JSON.stringify(h).slice(0, 80));
    }
  });

  it('a fetch Request works with handleRequest (Lucia v2 style)', async () => {
    const auth = createLatchkey({ store: memoryStore() });
    const user = await auth.createUser({ attributes: {} });
    const { token, session } = await auth.createSession({ userId: user.id, attributes: {} });
    const request = new Request('https://app.example/user', {
      headers: { authorization: `Bearer ${token}` },
    });
    const result = await auth.handleRequest(request).validateBearerToken();
    assert.equal(result?.session.id, session.id);
    // A framework context carrying the Request as `req.raw` (Hono's `c`) works too.
    assert.equal(
      (await auth.handleRequest({ req: { raw: request } }).validateBearerToken())?.session.id,
      session.id,
    );
    await auth.invalidateSession(session.id);
    assert.equal(await auth.handleRequest(request).validateBearerToken(), null);
  });
});

describe('reading a session from a request', () => {
  it('the cookie wins over a bearer token, even when the cookie is not a live session', async () => {
    const auth = createLatchkey({ store: memoryStore() });
    const user = await auth.createUser({ attributes: {} });
    const a = await auth.createSession({ userId: user.id });
    const b = await auth.createSession({ userId: user.id });
    const origin = 'https://app.example';
    const both = new Headers({
      cookie: `__Host-latchkey_session=${a.token}`,
      authorization: `Bearer ${b.token}`,
    });
    const fromCookie = await readRequestSession(auth, both, origin);
    assert.equal(fromCookie?.via, 'cookie');
    assert.equal(fromCookie?.result.session.id, a.session.id);
    const onlyBearer = await readRequestSession(auth, both, origin, { only: 'bearer' });
    assert.equal(onlyBearer?.result.session.id, b.session.id);
    await auth.invalidateSession(a.session.id);
    assert.equal(await readRequestSession(auth, both, origin), null);
    both.delete('authorization');
    assert.equal(await readRequestSession(auth, both, origin, { only: 'bearer' }), null);
  });

  it('a renewal re-sends the cookie under the name for the origin, never for a bearer token', async () => {
    const now = { value: Date.now() };
    const auth = createLatchkey({
      store: memoryStore({ now: () => now.value }),
      cookie: { insecureLocalhost: true },
      now: () => now.value,
    });
    const user = await auth.createUser({ attributes: {} });
    const { token } = await auth.createSession({ userId: user.id });
    const dev = 'http://localhost:3000';
    const quiet = await readRequestSession(
      auth,
      { headers: { cookie: `latchkey_session_3000=${token}` } },
      dev,
    );
    assert.equal(quiet?.renewalCookie, null);
    now.value += 2 * 60 * 60_000;
    const renewed = await readRequestSession(
      auth,
      { headers: { cookie: `latchkey_session_3000=${token}` } },
      dev,
    );
    assert.match(renewed!.renewalCookie!.serialize(), /^latchkey_session_3000=lks_/);
    now.value += 2 * 60 * 60_000;
    const bearer = await readRequestSession(
      auth,
      { headers: { authorization: `Bearer ${token}` } },
      dev,
    );
    assert.equal(bearer?.result.session.fresh, true);
    assert.equal(bearer?.renewalCookie, null);
  });

  it('handleRequest names the cookie from the origin it is given, else the request URL', async () => {
    const auth = createLatchkey({ store: memoryStore(), cookie: { insecureLocalhost: true } });
    const user = await auth.createUser({ attributes: {} });
    const { token } = await auth.createSession({ userId: user.id });
    const plain = new Request('http://127.0.0.1:3000/', {
      headers: { cookie: `latchkey_session_3000=${token}` },
    });
    assert.equal((await auth.handleRequest(plain).validate())?.user.id, user.id);
    assert.equal(await auth.handleRequest(plain, 'https://app.example').validate(), null);
    const secure = new Request('http://127.0.0.1:3000/', {
      headers: { cookie: `__Host-latchkey_session=${token}` },
    });
    assert.equal(await auth.handleRequest(secure).validate(), null);
    assert.equal(
      (await auth.handleRequest(secure, 'https://app.example').validate())?.user.id,
      user.id,
    );
  });
});

describe('invalid arguments are TypeErrors and write nothing', () => {
  it('rejects empty ids and non-serialisable attributes', async () => {
    const { store, writes } = countingStore(memoryStore());
    const auth = createLatchkey({ store });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const calls: (() => Promise<unknown>)[] = [
      () => auth.createSession({ userId: '' }),
      () => auth.createSession({ userId: 'x'.repeat(300) }),
      () => auth.createSession(null as never),
      () => auth.createUser({ attributes: cyclic }),
      () => auth.createUser({ attributes: { n: 10n } as never }),
      () => auth.createUser({ attributes: [] as never }),
      () => auth.createUser({ attributes: { big: 'x'.repeat(70_000) } }),
      () => auth.createUser({ attributes: {}, account: { providerId: '', providerUserId: '1' } }),
      () => auth.linkAccount('', { providerId: 'github', providerUserId: '1' }),
      () => auth.invalidateUserSessions(''),
      () => auth.updateUserAttributes('u', 'str' as never),
    ];
    for (const call of calls) await assert.rejects(call(), TypeError);
    assert.equal(writes(), 0);
  });

  it('rejects unsafe configuration', () => {
    assert.throws(
      () =>
        createLatchkey({ store: memoryStore(), session: { idleTimeout: 10, absoluteTimeout: 5 } }),
      TypeError,
    );
    assert.throws(
      () => createLatchkey({ store: memoryStore(), cookie: { name: 'a;b' } }),
      TypeError,
    );
  });
});

describe('cookies', () => {
  it('session cookies are __Host-, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain', async () => {
    const auth = createLatchkey({ store: memoryStore() });
    const user = await auth.createUser({ attributes: {} });
    const { token, session } = await auth.createSession({ userId: user.id });
    const header = auth.createSessionCookie(token, session).serialize();
    assert.match(header, /^__Host-latchkey_session=lks_/);
    for (const part of ['; Path=/', '; HttpOnly', '; SameSite=Lax', '; Secure', '; Max-Age=']) {
      assert.ok(header.includes(part), part);
    }
    assert.ok(!/domain/i.test(header));
    assert.match(
      auth.createBlankSessionCookie().serialize(),
      /^__Host-latchkey_session=; .*Max-Age=0/,
    );
    // Even on http://localhost, without the opt-in the cookie stays secure.
    assert.match(
      auth.createSessionCookie(token, session, 'http://localhost:3000/').serialize(),
      /Secure/,
    );
  });

  it('the insecure variant exists only for loopback http with the opt-in', async () => {
    const auth = createLatchkey({ store: memoryStore(), cookie: { insecureLocalhost: true } });
    const user = await auth.createUser({ attributes: {} });
    const { token, session } = await auth.createSession({ userId: user.id });
    const dev = auth.createSessionCookie(token, session, 'http://localhost:3000/x').serialize();
    assert.match(dev, /^latchkey_session_3000=/, 'the development name carries the port');
    assert.ok(!dev.includes('Secure'));
    for (const url of [
      'https://localhost/',
      'http://example.com/',
      'http://localhost.evil.com/',
      'http://10.0.0.1/',
    ]) {
      assert.match(
        auth.createSessionCookie(token, session, url).serialize(),
        /^__Host-.*Secure/,
        url,
      );
    }
    // The plain cookie is not read on a non-loopback origin (cookie tossing from a sibling host).
    assert.equal(
      auth.readSessionCookie(`latchkey_session_3000=${token}`, 'https://app.example/'),
      null,
    );
    assert.equal(
      auth.readSessionCookie(`latchkey_session_3000=${token}`, 'http://127.0.0.1:3000/'),
      token,
    );
  });

  it('a development cookie for port 3001 is not read on port 3000, nor set there', async () => {
    const auth = createLatchkey({ store: memoryStore(), cookie: { insecureLocalhost: true } });
    const user = await auth.createUser({ attributes: {} });
    const { token, session } = await auth.createSession({ userId: user.id });
    for (const host of ['localhost', '127.0.0.1', '[::1]']) {
      const at3000 = `http://${host}:3000/`;
      assert.equal(auth.sessionCookieName(at3000), 'latchkey_session_3000');
      assert.equal(auth.readSessionCookie(`latchkey_session_3001=${token}`, at3000), null);
      assert.equal(auth.readSessionCookie(`latchkey_session=${token}`, at3000), null);
      assert.equal(auth.readSessionCookie(`latchkey_session_3000=${token}`, at3000), token);
      const set = auth.createSessionCookie(token, session, at3000).serialize();
      assert.ok(set.startsWith('latchkey_session_3000='), set);
    }
    // No explicit port is port 80.
    assert.equal(auth.sessionCookieName('http://localhost/'), 'latchkey_session_80');
    // https keeps the __Host- name, whatever the port.
    assert.equal(auth.sessionCookieName('https://localhost:3000/'), '__Host-latchkey_session');
  });

  it('cannot build a __Host- cookie without Secure and Path=/', () => {
    assert.throws(
      () =>
        new Cookie('__Host-x', 'v', {
          secure: false,
          httpOnly: true,
          sameSite: 'lax',
          path: '/',
          expires: 0,
        }),
      TypeError,
    );
    assert.throws(
      () =>
        new Cookie('__Host-x', 'v', {
          secure: true,
          httpOnly: true,
          sameSite: 'lax',
          path: '/a',
          expires: 0,
        }),
      TypeError,
    );
  });

  it('readCookie and readBearerToken', () => {
    assert.equal(readCookie('a=1; b=2;c=3', 'b'), '2');
    assert.equal(readCookie('ab=1', 'a'), null);
    assert.equal(readCookie('a=1; a=2', 'a'), null);
    assert.equal(readCookie(undefined, 'a'), null);
    assert.equal(readBearerToken('Bearer abc.def'), 'abc.def');
    assert.equal(readBearerToken('Bearer abc def'), null);
    assert.equal(readBearerToken('Bearer%20abc'), null);
  });
});

describe('sessions and users', () => {
  it('user attributes are typed and round-trip; getUser tolerates garbage ids', async () => {
    const auth = createLatchkey<{ username: string; admin: boolean }>({ store: memoryStore() });
    const user = await auth.createUser({ attributes: { username: 'ada', admin: false } });
    const found = await auth.getUser(user.id);
    const name: string | undefined = found?.attributes.username;
    assert.equal(name, 'ada');
    assert.equal(await auth.getUser(''), null);
    assert.equal(await auth.getUser('x'.repeat(10_000)), null);
  });
});
