// The client-address parser the rate limiter counts by: every RFC 4291 spelling, IPv4-mapped
// addresses, zone ids, brackets and ports; agreement with Node's own `isIP` on random text; /64
// buckets checked against Node's `BlockList`; and linear time on hostile input.
import assert from 'node:assert/strict';
import { BlockList, isIP } from 'node:net';
import { describe, it } from 'node:test';
import { addressBucket, parseIPAddress } from '../src/http/ip-address.ts';

const hex = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : Buffer.from(bytes).toString('hex');

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('parseIPAddress', () => {
  const valid: [string, string][] = [
    ['192.0.2.1', 'c0000201'],
    ['0.0.0.0', '00000000'],
    ['255.255.255.255', 'ffffffff'],
    ['192.0.2.1:8080', 'c0000201'],
    ['::', '0'.repeat(32)],
    ['::1', '0'.repeat(31) + '1'],
    ['1::', '0001' + '0'.repeat(28)],
    ['2001:db8::1', '20010db8' + '0'.repeat(23) + '1'],
    ['2001:DB8:0:0:8:800:200C:417A', '20010db80000000000080800200c417a'],
    ['1:2:3:4:5:6:7::', '0001000200030004000500060007' + '0000'],
    ['::2:3:4:5:6:7:8', '0000000200030004000500060007' + '0008'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['fe80::1%eth0', 'fe80' + '0'.repeat(27) + '1'],
    ['fe80::1%25', 'fe80' + '0'.repeat(27) + '1'],
    ['[2001:db8::1]', '20010db8' + '0'.repeat(23) + '1'],
    ['[2001:db8::1]:443', '20010db8' + '0'.repeat(23) + '1'],
    ['64:ff9b::192.0.2.1', '0064ff9b' + '0'.repeat(16) + 'c0000201'],
    ['::192.0.2.1', '0'.repeat(24) + 'c0000201'],
    // IPv4-mapped IPv6 is the IPv4 address it maps, in every spelling.
    ['::ffff:192.0.2.1', 'c0000201'],
    ['::FFFF:c000:0201', 'c0000201'],
    ['0:0:0:0:0:ffff:192.0.2.1', 'c0000201'],
    ['[::ffff:192.0.2.1]:80', 'c0000201'],
  ];
  for (const [text, bytes] of valid) {
    it(`parses ${text}`, () => assert.equal(hex(parseIPAddress(text)), bytes));
  }

  const invalid = [
    '',
    'unknown',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.256',
    '01.2.3.4',
    '1..2.3',
    '1.2.3.4:',
    '1.2.3.4:0',
    '1.2.3.4:65536',
    '1.2.3.4%eth0',
    ':',
    ':::',
    '1::2::3',
    '1:::2',
    ':1::',
    '1::2:',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '12345::',
    'g::',
    '::ffff:1.2.3',
    '::1.2.3.4:5',
    '1.2.3.4::',
    'fe80::1%',
    'fe80::1%eth 0',
    '[::1',
    '[::1]x',
    '[::1]:0',
    ' ::1',
    '::1 ',
  ];
  for (const text of invalid) {
    it(`refuses ${JSON.stringify(text)}`, () => assert.equal(parseIPAddress(text), null));
  }

  it('agrees with node:net isIP on 20,000 random strings of address characters', () => {
    const next = random(13);
    const alphabet = '0123456789abcdefABCDEF:.%';
    const pieces = ['::', 'ffff:', '255.', '1.2.3.4', '0:', ':0', '%en0', '192.0.2.', 'ffff'];
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const length = Math.floor(next() * 40);
      while (text.length < length) {
        text +=
          next() < 0.3
            ? pieces[Math.floor(next() * pieces.length)]!
            : alphabet[Math.floor(next() * alphabet.length)]!;
      }
      // Ours also takes `a.b.c.d:port` (forwarded headers carry it); Node's isIP does not.
      if (/^[0-9.]+:[0-9]+$/.test(text)) continue;
      assert.equal(parseIPAddress(text) !== null, isIP(text) !== 0, JSON.stringify(text));
    }
  });

  it('answers in linear time on pathological input', () => {
    const hostile = [
      ':'.repeat(100_000),
      '1:'.repeat(50_000),
      '['.repeat(100_000),
      '1.'.repeat(50_000),
      `${'f'.repeat(99)}:`,
    ];
    const started = performance.now();
    for (let i = 0; i < 100; i++) for (const text of hostile) parseIPAddress(text);
    // Generous on a loaded machine: a backtracking parser takes seconds here.
    assert.ok(performance.now() - started < 2_000);
  });
});

describe('addressBucket', () => {
  it('counts IPv4 per address and IPv6 per /64 by default', () => {
    assert.equal(addressBucket('192.0.2.1'), '192.0.2.1');
    assert.equal(addressBucket('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(addressBucket('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2:0:0:0:0/64');
    assert.equal(addressBucket('2001:db8:1:2::ffff'), addressBucket('2001:db8:1:2:aaaa::1%eth0'));
    assert.notEqual(addressBucket('2001:db8:1:2::1'), addressBucket('2001:db8:1:3::1'));
    assert.equal(addressBucket('2001:db8:1:2:3:4:5:6', 48), '2001:db8:1:0:0:0:0:0/48');
    assert.equal(addressBucket('2001:db8:1:2:3:4:5:6', 56), '2001:db8:1:0:0:0:0:0/56');
    assert.equal(addressBucket('2001:db8:1:2ff:3:4:5:6', 56), '2001:db8:1:200:0:0:0:0/56');
    assert.equal(addressBucket('2001:db8::1', 128), '2001:db8:0:0:0:0:0:1/128');
    assert.equal(addressBucket('unknown'), 'unknown');
    assert.equal(addressBucket('x'.repeat(500)).length, 64);
  });

  it('puts two random IPv6 addresses in one bucket exactly when BlockList says they share the prefix', () => {
    const next = random(64);
    const word = (): string => Math.floor(next() * 0x10000).toString(16);
    for (const prefix of [48, 56, 64, 80, 127]) {
      for (let n = 0; n < 500; n++) {
        const a = Array.from({ length: 8 }, word);
        // Half of the pairs share a long head, so both answers occur.
        const b = a.map((w, i) => (i < 4 && next() < 0.9 ? w : word()));
        const list = new BlockList();
        list.addSubnet(a.join(':'), prefix, 'ipv6');
        assert.equal(
          addressBucket(a.join(':'), prefix) === addressBucket(b.join(':'), prefix),
          list.check(b.join(':'), 'ipv6'),
          `${a.join(':')} ${b.join(':')} /${prefix}`,
        );
      }
    }
  });
});
