/**
 * The filter banks built from pywt's coefficient tables equal pywt 1.1.1's own
 * `Wavelet(name).dec_lo` / `.dec_hi`, bit for bit, for every discrete wavelet pywt lists
 * (fixtures/manifest.json, written by scripts/filters-reference/make_fixtures.py).
 */
import { describe, expect, it } from 'vitest';
import { readFixtureManifest } from './test-support.ts';
import { discreteWaveletNames, waveletFilterBank } from './wavelet-filters.ts';

describe('wavelet filter banks equal pywt 1.1.1', () => {
  const filters = readFixtureManifest().filters;

  it('offers exactly pywt.wavelist(kind="discrete")', () => {
    expect(discreteWaveletNames()).toEqual(Object.keys(filters));
    expect(Object.keys(filters)).toHaveLength(106);
  });

  for (const [name, ref] of Object.entries(filters)) {
    it(name, () => {
      const bank = waveletFilterBank(name);
      expect(Array.from(bank.decLo)).toEqual(ref.dec_lo);
      expect(Array.from(bank.decHi)).toEqual(ref.dec_hi);
    });
  }

  it('accepts names in any case, as pywt lower-cases them', () => {
    expect(waveletFilterBank('COIF1').decLo).toEqual(waveletFilterBank('coif1').decLo);
  });
});
