import { describe, expect, it } from 'vitest';
import { withUniqueNames } from './fileSources.ts';

describe('withUniqueNames', () => {
  it('keeps distinct names and numbers the repeats, so no file hides another', () => {
    const blob = (s: string) => new Blob([s]);
    const files = ['IM0001.dcm', 'IM0002.dcm', 'IM0001.dcm', 'IM0001.dcm (2)', 'IM0001.dcm'].map((name, i) => ({ name, blob: blob(String(i)) }));
    const out = withUniqueNames(files);
    expect(out.map((f) => f.name)).toEqual(['IM0001.dcm', 'IM0002.dcm', 'IM0001.dcm (2)', 'IM0001.dcm (2) (2)', 'IM0001.dcm (3)']);
    expect(new Set(out.map((f) => f.name)).size).toBe(files.length);
    out.forEach((f, i) => expect(f.blob).toBe(files[i].blob));
  });
});
