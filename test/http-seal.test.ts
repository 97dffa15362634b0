// The sealed flow cookie: round trip, tamper detection, context binding, key separation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSealer } from '../src/http/seal.ts';
import { createFlowCookie, openFlowCookie, type FlowState } from '../src/http/flow-cookie.ts';
import { readNativeFlow, type NativeFlow } from '../src/http/native/flow-state.ts';

const SECRET = 'x'.repeat(32);

describe('createSealer', () => {
  it('rejects secrets shorter than 32 bytes with a TypeError', () => {
    assert.throws(() => createSealer('short', 'p'), TypeError);
    assert.throws(() => createSealer(new Uint8Array(31), 'p'), TypeError);
    assert.throws(() => createSealer(undefined as unknown as string, 'p'), TypeError);
    createSealer(new Uint8Array(32), 'p');
  });

  it('round-trips and never shows the plaintext', async () => {
    const sealer = createSealer(SECRET, 'p');
    const sealed = await sealer.seal({ verifier: 'very-secret-verifier' }, 'ctx');
    assert.ok(!sealed.includes('very-secret'));
    assert.ok(!Buffer.from(sealed, 'base64url').toString('latin1').includes('very-secret'));
    assert.deepEqual(await sealer.open(sealed, 'ctx'), { verifier: 'very-secret-verifier' });
    // Fresh IV every time.
    assert.notEqual(await sealer.seal({ a: 1 }, 'ctx'), await sealer.seal({ a: 1 }, 'ctx'));
  });

  it('fails closed on any flipped byte, truncation or garbage', async () => {
    const sealer = createSealer(SECRET, 'p');
    const sealed = await sealer.seal({ a: 1 }, 'ctx');
    const bytes = Buffer.from(sealed, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i] = copy[i]! ^ 1;
      assert.equal(await sealer.open(copy.toString('base64url'), 'ctx'), null, `byte ${i}`);
    }
    assert.equal(await sealer.open(sealed.slice(0, -2), 'ctx'), null);
    for (const junk of ['', 'a', '!!!', '%00', 'x'.repeat(5000), null, undefined]) {
      assert.equal(await sealer.open(junk, 'ctx'), null);
    }
  });

  it('binds the context and separates keys by secret and purpose', async () => {
    const sealer = createSealer(SECRET, 'p');
    const sealed = await sealer.seal({ a: 1 }, 'flow:github');
    assert.equal(await sealer.open(sealed, 'flow:google'), null);
    assert.equal(await createSealer('y'.repeat(32), 'p').open(sealed, 'flow:github'), null);
    assert.equal(await createSealer(SECRET, 'q').open(sealed, 'flow:github'), null);
  });
});

describe('flow cookie', () => {
  const flow: FlowState = {
    kind: 'signin',
    providerId: 'github',
    state: 'state-123',
    codeVerifier: 'verifier-abc',
    nonce: null,
    redirectURI: 'https://app.example.com/auth/github/callback',
    target: 'https://app.example.com/',
    sessionId: null,
    ext: null,
    expiresAt: Date.now() + 600_000,
  };

  const HTTPS = { secure: true, origin: 'https://app.example.com' };

  it('is __Host-, Secure, HttpOnly, Lax, with Max-Age of the flow', async () => {
    const sealer = createSealer(SECRET, 'flow');
    const header = (await createFlowCookie(sealer, flow, HTTPS)).serialize();
    const attributes =
      /^__Host-latchkey_flow=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=(\d+);/;
    const maxAge = Number(attributes.exec(header)?.[1]);
    // The flow's expiry was fixed when this file loaded; a loaded machine may start the test late.
    assert.ok(maxAge > 500 && maxAge <= 600, header);
    assert.ok(!header.includes('verifier-abc'));
    const dev = { secure: false, origin: 'http://localhost:3000' };
    const insecure = (await createFlowCookie(sealer, flow, dev)).serialize();
    assert.match(insecure, /^latchkey_flow_3000=/, 'insecure localhost: the port is in the name');
    assert.ok(!insecure.includes('Secure'));
  });

  it('opens only for the same provider and before expiry', async () => {
    const sealer = createSealer(SECRET, 'flow');
    const value = (await createFlowCookie(sealer, flow, HTTPS)).value;
    assert.deepEqual(await openFlowCookie(sealer, value, 'github', Date.now(), null), flow);
    assert.equal(await openFlowCookie(sealer, value, 'google', Date.now(), null), null);
    assert.equal(await openFlowCookie(sealer, value, 'github', flow.expiresAt, null), null);
    assert.equal(await openFlowCookie(sealer, null, 'github', Date.now(), null), null);
  });

  it('keeps a native start (loopback, token-in-redirect, device) and never lets one into a link flow', async () => {
    const sealer = createSealer(SECRET, 'flow');
    const native = { readState: readNativeFlow };
    const starts: NativeFlow[] = [
      {
        type: 'loopback',
        start: {
          redirectURI: 'http://127.0.0.1:4567/callback',
          appState: 'app-state-123',
          codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        },
      },
      { type: 'token-in-redirect', start: { port: 8080 } },
      { type: 'device', userCode: 'BCDFGHJK' },
    ];
    for (const ext of starts) {
      const value = (await createFlowCookie(sealer, { ...flow, ext }, HTTPS)).value;
      assert.deepEqual(await openFlowCookie(sealer, value, 'github', Date.now(), native), {
        ...flow,
        ext,
      });
      // A handler without native sign-in opens no native flow.
      assert.equal(await openFlowCookie(sealer, value, 'github', Date.now(), null), null);
      const link = { ...flow, kind: 'link' as const, sessionId: 'abc', ext };
      const linkValue = (await createFlowCookie(sealer, link, HTTPS)).value;
      assert.equal(await openFlowCookie(sealer, linkValue, 'github', Date.now(), native), null);
    }
    const bad: FlowState = { ...flow, ext: { type: 'token-in-redirect', start: { port: 80 } } };
    const badValue = (await createFlowCookie(sealer, bad, HTTPS)).value;
    assert.equal(await openFlowCookie(sealer, badValue, 'github', Date.now(), native), null);
  });
});
