/** SHA-1 against the FIPS 180 / RFC 3174 test vectors (the image hashes are checked by conformance.test.ts). */
import { describe, expect, it } from 'vitest';
import { littleEndianBytes, sha1Hex, sha1HexJs, sha1HexOfUint32, sha1HexOfUint32Js } from './sha1.ts';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('sha1Hex', () => {
  it('FIPS 180-2 / RFC 3174 vectors, in JavaScript and through the runtime (Node: native)', () => {
    for (const f of [sha1Hex, sha1HexJs]) {
      expect(f(ascii('abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
      expect(f(ascii(''))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
      expect(f(ascii('a'.repeat(1000000)))).toBe('34aa973cd4c4daa4f61eeb2bdbad27316534016f');
    }
    expect(sha1Hex(ascii('abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(sha1Hex(ascii(''))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(sha1Hex(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
    expect(sha1Hex(ascii('a'.repeat(1000000)))).toBe('34aa973cd4c4daa4f61eeb2bdbad27316534016f');
  });

  it('little-endian bytes of a typed array', () => {
    expect(Array.from(littleEndianBytes(Uint16Array.of(0x0102)))).toEqual([2, 1]);
  });
});

describe('sha1HexOfUint32', () => {
  it('equals the SHA-1 of the uint32 little-endian buffer, whatever the length and source type', () => {
    for (const n of [0, 1, 15, 16, 17, 100, 1000, 70000]) {
      const v = Int16Array.from({ length: n }, (_, i) => ((i * 7919) % 5) - 1);
      for (const hash of [sha1HexOfUint32, sha1HexOfUint32Js]) {
        expect(hash(v, false)).toBe(sha1HexJs(littleEndianBytes(Uint32Array.from(v))));
        const f = Float32Array.from({ length: n }, (_, i) => (i % 3) + 0.75);
        expect(hash(f, true)).toBe(sha1HexJs(littleEndianBytes(Uint32Array.from(f, Math.trunc))));
      }
    }
  });
});
