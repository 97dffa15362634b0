// AES-256-GCM sealing of provider tokens: format, key ids, rotation, tamper and AAD checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTokenSealer, generateTokenKey, TokenDecryptionError } from '../src/tokens/index.ts';

const alice = { providerId: 'github', providerUserId: '1' };
const bob = { providerId: 'github', providerUserId: '2' };

describe('token sealing', () => {
  it('seals as v1.<kid>.<iv>.<ct> with a fresh IV, and opens', async () => {
    const sealer = createTokenSealer([{ id: 'k1', key: generateTokenKey() }]);
    const a = await sealer.seal('secret-token', alice);
    const b = await sealer.seal('secret-token', alice);
    assert.match(a, /^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    assert.notEqual(a, b);
    assert.ok(!a.includes('secret'));
    assert.equal(await sealer.open(a, alice), 'secret-token');
    assert.equal(sealer.keyIdOf(a), 'k1');
    assert.equal(sealer.currentKeyId, 'k1');
  });

  it('binds the account identity: another account, issuer or provider cannot open it', async () => {
    const sealer = createTokenSealer([{ id: 'k1', key: generateTokenKey() }]);
    const sealed = await sealer.seal('x', alice);
    await assert.rejects(sealer.open(sealed, bob), TokenDecryptionError);
    await assert.rejects(
      sealer.open(sealed, { ...alice, issuer: 'https://ghe' }),
      TokenDecryptionError,
    );
    await assert.rejects(
      sealer.open(sealed, { ...alice, providerId: 'gitlab' }),
      TokenDecryptionError,
    );
    // `issuer: ''` and no issuer are the same account.
    assert.equal(await sealer.open(sealed, { ...alice, issuer: '' }), 'x');
  });

  it('rejects tampering, wrong keys, unknown key ids and malformed text', async () => {
    const key = generateTokenKey();
    const sealer = createTokenSealer([{ id: 'k1', key }]);
    const sealed = await sealer.seal('x', alice);
    const parts = sealed.split('.');
    const flipped = parts[3]!.startsWith('A') ? 'B' + parts[3]!.slice(1) : 'A' + parts[3]!.slice(1);
    await assert.rejects(
      sealer.open([...parts.slice(0, 3), flipped].join('.'), alice),
      TokenDecryptionError,
    );
    const other = createTokenSealer([{ id: 'k1', key: generateTokenKey() }]);
    await assert.rejects(other.open(sealed, alice), TokenDecryptionError);
    const unknown = createTokenSealer([{ id: 'k9', key }]);
    await assert.rejects(unknown.open(sealed, alice), /no configured key has the id "k1"/);
    for (const bad of ['', 'v1', 'v2.k1.a.b', 'v1.k1.!!.b', 'v1.k1.AAAA.AAAA', `${sealed}.x`]) {
      await assert.rejects(sealer.open(bad, alice), TokenDecryptionError);
    }
  });

  it('rotates: the first key seals, every key opens', async () => {
    const k1 = { id: 'k1', key: generateTokenKey() };
    const k2 = { id: 'k2', key: crypto.getRandomValues(new Uint8Array(32)) };
    const old = await createTokenSealer([k1]).seal('x', alice);
    const rotated = createTokenSealer([k2, k1]);
    assert.equal(await rotated.open(old, alice), 'x');
    assert.equal(rotated.keyIdOf(await rotated.seal('x', alice)), 'k2');
  });

  it('refuses bad key configuration with TypeError, never echoing key material', () => {
    assert.throws(() => createTokenSealer([]), TypeError);
    assert.throws(() => createTokenSealer([{ id: 'bad id', key: generateTokenKey() }]), TypeError);
    assert.throws(
      () => createTokenSealer([{ id: 'k', key: 'c2hvcnQ' }]),
      (e: unknown) => {
        assert.ok(e instanceof TypeError && !e.message.includes('c2hvcnQ'));
        return true;
      },
    );
    assert.throws(() => createTokenSealer([{ id: 'k', key: new Uint8Array(16) }]), TypeError);
    const key = generateTokenKey();
    assert.throws(
      () =>
        createTokenSealer([
          { id: 'k', key },
          { id: 'k', key },
        ]),
      TypeError,
    );
  });
});
