// The one-time code and POST /auth/token: what reaches the browser, single use, PKCE binding,
// burning on a wrong verifier, revocation on replay, expiry, and hostile bodies.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { createLatchkey, type Latchkey } from '../src/core/latchkey.ts';
import { memoryStore } from '../src/stores/memory-store.ts';
import { completeNativeSignIn, type NativeStart } from '../src/http/native/loopback.ts';
import { handleNativeToken, s256 } from '../src/http/native/token.ts';
import type { Store } from '../src/store.ts';

let now = Date.UTC(2026, 0, 1);
let store: Store;
let auth: Latchkey<{ username: string }, Record<string, unknown>>;
let userId: string;
const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  store = memoryStore({ now: () => now });
  auth = createLatchkey({ store, now: () => now });
  userId = (await auth.createUser({ attributes: { username: 'octocat' } })).id;
});

async function nativeStart(): Promise<NativeStart> {
  return {
    redirectURI: 'http://127.0.0.1:53682/callback',
    appState: 'app-state-123456',
    codeChallenge: await s256(verifier),
  };
}

async function issue(): Promise<{ response: Response; code: string }> {
  const response = await completeNativeSignIn({ auth, start: await nativeStart(), userId });
  const location = new URL(response.headers.get('location')!);
  return { response, code: location.searchParams.get('code')! };
}

function exchange(body: Record<string, string>, asJSON = false): Promise<Response> {
  const request = new Request('https://auth.example/auth/token', {
    method: 'POST',
    headers: { 'content-type': asJSON ? 'application/json' : 'application/x-www-form-urlencoded' },
    body: asJSON ? JSON.stringify(body) : new URLSearchParams(body).toString(),
  });
  return handleNativeToken(request, { auth });
}

async function errorOf(response: Response): Promise<string> {
  assert.equal(response.headers.get('cache-control'), 'no-store');
  return ((await response.json()) as { error: string }).error;
}

describe('completeNativeSignIn', () => {
  test('redirects to the loopback URI with a one-time code and the app state, never the token', async () => {
    const { response, code } = await issue();
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    const location = new URL(response.headers.get('location')!);
    assert.equal(`${location.origin}${location.pathname}`, 'http://127.0.0.1:53682/callback');
    assert.deepEqual([...location.searchParams.keys()].sort(), ['code', 'state']);
    assert.equal(location.searchParams.get('state'), 'app-state-123456');
    assert.match(code, /^lkc_[a-z2-7]{24}\.[a-z2-7]{32}$/); // 120-bit id + 160-bit secret
    assert.ok(!location.toString().includes('lks_'));
    // One session exists and the store never holds its token (nor the code) in clear.
    const sessions = await auth.getUserSessions(userId);
    assert.equal(sessions.length, 1);
    const id = code.slice(4, 28);
    const raw = (await store.getTemp('native-code', id))!;
    assert.ok(!raw.includes('lks_') && !raw.includes(code.slice(29)));
  });

  test('works for [::1] and keeps the path', async () => {
    const start = { ...(await nativeStart()), redirectURI: 'http://[::1]:8080/callback' };
    const response = await completeNativeSignIn({ auth, start, userId });
    assert.match(response.headers.get('location')!, /^http:\/\/\[::1\]:8080\/callback\?code=lkc_/);
  });
});

describe('POST /auth/token', () => {
  test('exchanges code + verifier for { token, user, expiresAt } (form and JSON)', async () => {
    for (const asJSON of [false, true]) {
      const { code } = await issue();
      const response = await exchange({ code, code_verifier: verifier }, asJSON);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = (await response.json()) as {
        token: string;
        user: { id: string };
        expiresAt: string;
      };
      assert.match(body.token, /^lks_/);
      assert.equal(body.user.id, userId);
      assert.ok(Date.parse(body.expiresAt) > now);
      assert.equal((await auth.validateSession(body.token))?.user.id, userId);
    }
  });

  test('a stolen code without the verifier fails and burns the code', async () => {
    const { code } = await issue();
    assert.equal(await errorOf(await exchange({ code })), 'invalid_grant');
    // The rightful app now fails too, and the session nobody can collect is gone.
    assert.equal(await errorOf(await exchange({ code, code_verifier: verifier })), 'invalid_grant');
    assert.equal((await auth.getUserSessions(userId)).length, 0);
  });

  test('a wrong verifier burns the code', async () => {
    const { code } = await issue();
    const wrong = 'x'.repeat(43);
    const response = await exchange({ code, code_verifier: wrong });
    assert.equal(response.status, 400);
    assert.equal(await errorOf(response), 'invalid_grant');
    assert.equal(await errorOf(await exchange({ code, code_verifier: verifier })), 'invalid_grant');
    assert.equal((await auth.getUserSessions(userId)).length, 0);
  });

  test('a replayed code fails and revokes the session it issued', async () => {
    const { code } = await issue();
    const first = (await (await exchange({ code, code_verifier: verifier })).json()) as {
      token: string;
    };
    assert.ok(await auth.validateSession(first.token));
    assert.equal(await errorOf(await exchange({ code, code_verifier: verifier })), 'invalid_grant');
    assert.equal(await auth.validateSession(first.token), null, 'the replay revoked it');
  });

  test('a replay with a forged secret for a known id revokes nothing', async () => {
    const { code } = await issue();
    const first = (await (await exchange({ code, code_verifier: verifier })).json()) as {
      token: string;
    };
    const forged = `${code.slice(0, 29)}${'a'.repeat(32)}`;
    assert.equal(
      await errorOf(await exchange({ code: forged, code_verifier: verifier })),
      'invalid_grant',
    );
    assert.ok(await auth.validateSession(first.token));
  });

  test('two concurrent exchanges never yield two sessions (the replay revokes)', async () => {
    const { code } = await issue();
    const results = await Promise.all([
      exchange({ code, code_verifier: verifier }),
      exchange({ code, code_verifier: verifier }),
    ]);
    const ok = results.filter((r) => r.status === 200).length;
    assert.ok(ok <= 1);
    // RFC 6749 §4.1.2: a code used twice revokes what it issued, even when used at once.
    assert.equal((await auth.getUserSessions(userId)).length, 0);
  });

  test('a code expires after 60 seconds', async () => {
    const { code } = await issue();
    now += 61_000;
    assert.equal(await errorOf(await exchange({ code, code_verifier: verifier })), 'invalid_grant');
  });

  test('other token kinds are not codes', async () => {
    const { token } = await auth.createSession({ userId });
    assert.equal(
      await errorOf(await exchange({ code: token, code_verifier: verifier })),
      'invalid_grant',
    );
    const { code } = await issue();
    const asDevice = code.replace('lkc_', 'lkd_');
    assert.equal(
      await errorOf(await exchange({ code: asDevice, code_verifier: verifier })),
      'invalid_grant',
    );
  });

  test('a JSON body naming a key twice is refused like a repeated form field', async () => {
    const { code } = await issue();
    const send = (type: string, body: string) =>
      handleNativeToken(
        new Request('https://auth.example/auth/token', {
          method: 'POST',
          headers: { 'content-type': type },
          body,
        }),
        { auth },
      );
    const v = JSON.stringify(verifier);
    const c = JSON.stringify(code);
    for (const body of [
      `{"code":"lkc_stolen","code":${c},"code_verifier":${v}}`,
      `{"code":${c},"code_verifier":"x","code_verifier":${v}}`,
      `{"code":${c},"\u0063ode":${c},"code_verifier":${v}}`,
      `{ "code" : ${c} , "code_verifier":${v}, "code" :${c}}`,
    ]) {
      const response = await send('application/json', body);
      assert.equal(response.status, 400, body);
      assert.equal(await errorOf(response), 'invalid_request', body);
    }
    // Nothing was read from the store: the code is still good, and keys inside values are values.
    const ok = await send(
      'application/json',
      `{"code":${c},"code_verifier":${v},"x":"\\"code\\""}`,
    );
    assert.equal(ok.status, 200);
  });

  test('hostile requests get 4xx JSON, never an exception', async () => {
    const bodies: Array<[string, string]> = [
      ['application/x-www-form-urlencoded', 'code=a&code=b&code_verifier=x'],
      ['application/x-www-form-urlencoded', '%%%'],
      ['application/json', '{"code":1}'],
      ['application/json', '[1,2]'],
      ['application/json', 'not json'],
      ['text/plain', 'code=x'],
      ['application/x-www-form-urlencoded', `code=${'a'.repeat(20_000)}`],
      ['application/x-www-form-urlencoded', 'grant_type=password&code=x'],
      ['application/x-www-form-urlencoded', ''],
    ];
    for (const [type, body] of bodies) {
      const response = await handleNativeToken(
        new Request('https://auth.example/auth/token', {
          method: 'POST',
          headers: { 'content-type': type },
          body,
        }),
        { auth },
      );
      assert.equal(response.status, 400, `${type} ${body.slice(0, 40)}`);
      assert.ok(typeof ((await response.json()) as { error: string }).error === 'string');
    }
    const get = await handleNativeToken(new Request('https://auth.example/auth/token'), { auth });
    assert.equal(get.status, 405);
  });
});
