/**
 * Headers read from a prefix of each file must give exactly what scanDicom gives on the
 * whole files (series, phases, frames, errors), on the shared samples, pydicom's test files
 * (big endian, implicit, no meta header, deflated, encapsulated, truncated, RT objects...)
 * and cut files; and the pixel data of native files must not be read.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHeader, scanDicomHeaders, scanFileHeaders, type RangeReadable } from './header-prefix.ts';
import { collectScans, scanDicom } from './scan.ts';
import type { DicomSource } from './types.ts';
import { PYDICOM_FILES, SAMPLES, sourcesOf } from './test-support.ts';

/** Files as range-readable sources, counting the bytes each read returns. */
function readable(sources: DicomSource[]): { files: RangeReadable[]; bytesRead: Map<string, number> } {
  const bytesRead = new Map<string, number>();
  const files = sources.map((s) => ({
    name: s.name,
    size: s.bytes.byteLength,
    read: async (start: number, end: number) => {
      bytesRead.set(s.name, (bytesRead.get(s.name) ?? 0) + (end - start));
      return s.bytes.slice(start, end);
    },
  }));
  return { files, bytesRead };
}

const sets: [string, () => DicomSource[]][] = [
  ['ge-signa-multiphase-10tp', () => sourcesOf(join(SAMPLES, 'ge-signa-multiphase-10tp'))],
  ['ibsi-sts002-mr-t1-rtstruct', () => sourcesOf(join(SAMPLES, 'ibsi-sts002-mr-t1-rtstruct'))],
  ['philips-enhanced-mr-fieldmap', () => sourcesOf(join(SAMPLES, 'philips-enhanced-mr-fieldmap'))],
  ['siemens-xa10-enhanced-4tp', () => sourcesOf(join(SAMPLES, 'siemens-xa10-enhanced-4tp'))],
  ['pydicom test files', () => sourcesOf(PYDICOM_FILES, (n) => !n.includes('/') && !n.endsWith('.json'))],
];

describe('scanDicomHeaders equals scanDicom on the whole files', () => {
  for (const [name, load] of sets) {
    for (const firstBytes of [256, 4096, 64 * 1024]) {
      it(`${name}, first read ${firstBytes} bytes`, async () => {
        const sources = load();
        const { files } = readable(sources);
        const result = await scanDicomHeaders(files, { firstBytes, parallel: 4 });
        expect(result).toEqual(scanDicom(sources));
      });
    }
  }

  it('scans of parts of an import, put back in order, give the same result', async () => {
    const sources = sourcesOf(join(SAMPLES, 'ge-signa-multiphase-10tp'));
    const { files } = readable(sources);
    const cut = Math.floor(files.length / 3);
    const parts = await Promise.all([scanFileHeaders(files.slice(0, cut)), scanFileHeaders(files.slice(cut))]);
    expect(collectScans(parts.flat())).toEqual(scanDicom(sources));
  });

  it('reads only the headers of native files (Philips enhanced: 146 kB of header, 670 kB file)', async () => {
    const sources = sourcesOf(join(SAMPLES, 'philips-enhanced-mr-fieldmap'));
    const { files, bytesRead } = readable(sources);
    const result = await scanDicomHeaders(files, { firstBytes: 16 * 1024 });
    expect(result.series.length).toBeGreaterThan(0);
    const big = sources.filter((s) => s.bytes.byteLength > 512 * 1024);
    expect(big).toHaveLength(1);
    for (const s of big) {
      // 16 kB, 64 kB, then 256 kB: the header (146 kB) is in the third read
      expect(bytesRead.get(s.name)).toBe((16 + 64 + 256) * 1024);
    }
  });

  it('reads the GE sample (18 kB headers, 26 kB files) with one read per file', async () => {
    const sources = sourcesOf(join(SAMPLES, 'ge-signa-multiphase-10tp'));
    const { files, bytesRead } = readable(sources);
    await scanDicomHeaders(files);
    for (const s of sources) expect(bytesRead.get(s.name)).toBe(s.bytes.byteLength);
  });
});

describe('readHeader', () => {
  const mr = sourcesOf(PYDICOM_FILES, (n) => n === 'MR_small.dcm')[0];

  it('stops at the pixel data of a native file', async () => {
    const { files, bytesRead } = readable([mr]);
    const h = await readHeader(files[0], 1024);
    expect(h.whole).toBe(false);
    expect(h.parsed.pixelElement?.tag).toBe('x7fe00010');
    expect(bytesRead.get(mr.name)).toBeLessThan(mr.bytes.byteLength);
  });

  it('reports a file cut inside its pixel data as scanDicom does, naming it', async () => {
    const cut = { name: 'cut/MR_small.dcm', bytes: mr.bytes.slice(0, mr.bytes.byteLength - 1000) };
    const { files } = readable([cut]);
    const result = await scanDicomHeaders(files, { firstBytes: 1024 });
    expect(result.series).toEqual([]);
    expect(result.errors).toEqual(scanDicom([cut]).errors);
    expect(result.errors[0].message).toMatch(/^cut\/MR_small\.dcm: the file is truncated/);
  });

  it('reports a file cut inside its header as scanDicom does', async () => {
    const cut = { name: 'header-cut.dcm', bytes: mr.bytes.slice(0, 700) };
    const { files } = readable([cut]);
    const result = await scanDicomHeaders(files, { firstBytes: 256 });
    expect(result.errors).toEqual(scanDicom([cut]).errors);
    expect(result.errors).toHaveLength(1);
  });

  it('says a text file is not DICOM after its first read', async () => {
    const text = new TextEncoder().encode('patient,age\n'.repeat(20_000));
    const src = { name: 'notes.csv', bytes: text.buffer as ArrayBuffer };
    const { files, bytesRead } = readable([src]);
    await expect(readHeader(files[0], 4096)).rejects.toThrow(/^notes\.csv: not a DICOM file/);
    expect(bytesRead.get('notes.csv')).toBe(4096);
  });

  it('reads encapsulated and deflated files whole', async () => {
    const sources = sourcesOf(PYDICOM_FILES, (n) => n === 'MR_small_RLE.dcm' || n === 'image_dfl.dcm' || n === 'JPEG2000.dcm');
    expect(sources).toHaveLength(3);
    const { files } = readable(sources);
    for (const f of files) expect((await readHeader(f, 512)).whole).toBe(true);
  });
});
