/** bin/dicom-dir.ts on the shared samples: folders read recursively, choices required when ambiguous. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDcePhases, loadSeriesVolume, scanDicomDir } from './dicom-dir.ts';
import { SAMPLES } from '../workers/io/dicom/test-support.ts';

describe('bin/dicom-dir', () => {
  it('scans a folder recursively (the IBSI sample: image and mask subfolders, NIfTI and text files reported)', async () => {
    const r = await scanDicomDir(join(SAMPLES, 'ibsi-sts002-mr-t1-rtstruct'));
    expect(r.series.length).toBe(1);
    expect(r.series[0].phases[0].frames[0].source).toMatch(/^dicom\/image\/0000\d\d\.dcm$/);
    expect(r.series[0].annotations[0].source).toBe('dicom/mask/RS.dcm');
    expect(r.errors.map((e) => e.file).sort()).toEqual(['LICENSE.md', 'README.upstream.md', 'nifti/MR_T1_image.nii.gz', 'nifti/MR_T1_mask.nii.gz']);
  });

  it('loadSeriesVolume: the only series; a multi-phase series needs a phase; a folder of several series needs a choice', async () => {
    const v = await loadSeriesVolume(join(SAMPLES, 'ibsi-sts002-mr-t1-rtstruct'));
    expect(v.size).toEqual([115, 90, 35]);
    const ge = join(SAMPLES, 'ge-signa-multiphase-10tp');
    await expect(loadSeriesVolume(ge)).rejects.toThrow(/has 10 phases; choose one \(0 = pre-contrast \.\.\. 9\)/);
    await expect(loadSeriesVolume(ge, { phase: 10 })).rejects.toThrow(/no phase 10/);
    expect((await loadSeriesVolume(ge, { phase: 9 })).size).toEqual([64, 64, 10]);
    const philips = join(SAMPLES, 'philips-enhanced-mr-fieldmap');
    await expect(loadSeriesVolume(philips)).rejects.toThrow(/holds 2 series; choose one/);
    const r = await scanDicomDir(philips);
    const fieldMap = r.series.find((s) => s.frameType === 'FIELD_MAP')!;
    const v2 = await loadSeriesVolume(philips, { series: fieldMap.id });
    expect(v2.size).toEqual([64, 64, 32]);
    await expect(loadSeriesVolume(philips, { series: '999' })).rejects.toThrow(/no series matches '999'/);
  });

  it('loadDcePhases: every phase of the dynamic series, in order; a folder without one is an error', async () => {
    const { item, volumes } = await loadDcePhases(join(SAMPLES, 'siemens-xa10-enhanced-4tp'));
    expect(item.phases.length).toBe(4);
    expect(volumes.map((v) => v.size)).toEqual(item.phases.map(() => [64, 64, 6]));
    await expect(loadDcePhases(join(SAMPLES, 'ibsi-sts002-mr-t1-rtstruct'))).rejects.toThrow(/no dynamic \(DCE\) series/);
  });
});
