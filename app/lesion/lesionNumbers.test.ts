import { describe, expect, it } from 'vitest';
import { defaultLesion } from './lesionStore.ts';
import { planImport, segmentsToExport } from './lesionNumbers.ts';
import { savedStyle } from './roiAutosave.ts';

describe('planImport', () => {
  it('keeps each label value in an empty reader ({1, 3} gives lesions 1 and 3)', () => {
    expect(planImport([1, 3], true, 1, [1])).toEqual({ mode: 'keep', numbers: [1, 3] });
    expect(planImport([2], true, 1, [1, 2])).toEqual({ mode: 'keep', numbers: [2] });
  });
  it('gives a value outside 1..255, or met twice, the next number free', () => {
    expect(planImport([4, 4, 300, 0], true, 1, [])).toEqual({ mode: 'keep', numbers: [4, 5, 6, 7] });
  });
  it('puts a single segment into the active lesion of a reader with voxels', () => {
    expect(planImport([1], false, 2, [1, 2, 3])).toEqual({ mode: 'active', numbers: [2] });
  });
  it('appends several segments after the lesions listed or present', () => {
    expect(planImport([1, 2], false, 1, [1, 2, 5])).toEqual({ mode: 'append', numbers: [6, 7] });
  });
  it('leaves out what goes over 255', () => {
    expect(planImport([1, 2], false, 1, [254])).toEqual({ mode: 'append', numbers: [255, null] });
  });
});

describe('segmentsToExport', () => {
  const lesions = [{ ...defaultLesion(1), name: 'Mass' }, defaultLesion(2)];
  it('writes every label present, named by its row or "Lesion k"', () => {
    expect(segmentsToExport([1, 4], lesions)).toEqual([
      { value: 1, name: 'Mass', color: lesions[0].color },
      { value: 4, name: 'Lesion 4', color: defaultLesion(4).color },
    ]);
  });
  it('writes the first lesion of an empty label map', () => {
    expect(segmentsToExport([], lesions).map((s) => s.value)).toEqual([1]);
  });
});

describe('savedStyle', () => {
  it('reads a saved style; older records without one give null', () => {
    expect(savedStyle({ style: { opacity: 0.2, outline: false } })).toEqual({ opacity: 0.2, outline: false });
    expect(savedStyle({})).toBeNull();
    expect(savedStyle(undefined)).toBeNull();
    expect(savedStyle({ style: { opacity: 2, outline: true } })).toBeNull();
  });
});
