/**
 * DICOM UIDs under the 2.25 root (PS3.5 B.2: a UUID written as one decimal integer).
 *
 * - `uidFromParts(...parts)`: a deterministic UID from a name (e.g. seed, patient, phase,
 *   slice), so the demo generator gives the same bytes for the same seed. The 128 bits
 *   are a hash of the parts with the version nibble set to 8 ("custom", RFC 9562 5.8) and
 *   the RFC 4122 variant bits, so the number is a valid UUID.
 * - `randomUid()`: a random (version 4) UUID, for exports from the viewer.
 *
 * Both give at most 44 characters ('2.25.' + up to 39 digits), within UI's 64.
 */

/** murmur3's 32-bit finaliser (avalanche of one lane). */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 128-bit hash of a string (four 32-bit lanes, each byte mixed into all of them). */
export function hash128(text: string): [number, number, number, number] {
  const bytes = new TextEncoder().encode(text);
  let h1 = 0x9e3779b9;
  let h2 = 0x7f4a7c15;
  let h3 = 0x85ebca6b;
  let h4 = 0xc2b2ae35;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] + 1;
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 ^ (b + h1), 0x5bd1e995);
    h3 = Math.imul(h3 ^ (b + h2), 0x27d4eb2f);
    h4 = Math.imul(h4 ^ (b + h3), 0x165667b1);
    h1 = ((h1 << 13) | (h1 >>> 19)) + h4;
  }
  h1 = (h1 + bytes.length) | 0;
  // Cross-mix the lanes, then finalise each (as murmur3_x86_128 ends).
  h1 += h2 + h3 + h4;
  h2 += h1;
  h3 += h1;
  h4 += h1;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h3 = fmix32(h3);
  h4 = fmix32(h4);
  h1 = (h1 + h2 + h3 + h4) >>> 0;
  h2 = (h2 + h1) >>> 0;
  h3 = (h3 + h1) >>> 0;
  h4 = (h4 + h1) >>> 0;
  return [h1, h2, h3, h4];
}

function uuidLanesToUid(lanes: [number, number, number, number], version: number): string {
  const l = [...lanes];
  // Byte 6 high nibble = version; byte 8 top bits = 10 (RFC 4122 variant).
  l[1] = ((l[1] & 0xffff0fff) | (version << 12)) >>> 0;
  l[2] = ((l[2] & 0x3fffffff) | 0x80000000) >>> 0;
  let n = 0n;
  for (const x of l) n = (n << 32n) | BigInt(x);
  return `2.25.${n.toString()}`;
}

/** The same parts always give the same UID. */
export function uidFromParts(...parts: (string | number)[]): string {
  return uuidLanesToUid(hash128(parts.map(String).join('\u001f')), 8);
}

/** A random UID (version 4 UUID from crypto.getRandomValues, in Node and in workers). */
export function randomUid(): string {
  const a = new Uint32Array(4);
  globalThis.crypto.getRandomValues(a);
  return uuidLanesToUid([a[0], a[1], a[2], a[3]], 4);
}
