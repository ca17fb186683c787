/**
 * The demo generator against its references: the study's Table 1 (class, split, TIC and
 * stage counts of the default cohort), dciodvfy (the written MR and SEG files), the
 * project's importer (scanDicom / loadPhaseVolume: one DCE item of 7 phases) and TIC rule
 * (workers/dce/tic.ts, the rule of issue 6 / docs/tic.md) on the curves read back from the
 * written DICOM, and byte-identical output for the same seed.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeTic } from '../dce/tic.ts';
import { dciodvfy, warningSummary } from '../io/dicom/dciodvfy-support.ts';
import { loadPhaseVolume, scanDicom } from '../io/dicom/index.ts';
import { readSeg } from '../io/dicom/seg.ts';
import { readNrrd } from '../io/nrrd.ts';
import { sameGeometry } from '../io/volume.ts';
import { type DemoPatient, generateDemoCohort, generateDemoPatient, maskNrrd, planDemoCohort } from './index.ts';

function digest(p: DemoPatient): string {
  const h = createHash('sha256');
  for (const f of p.files) h.update(f.name).update(new Uint8Array(f.bytes));
  h.update(p.segBytes).update(maskNrrd(p.mask));
  if (p.maskReader2) h.update(maskNrrd(p.maskReader2));
  return h.digest('hex');
}

function counts<T>(xs: T[], keys: T[]): number[] {
  return keys.map((k) => xs.filter((x) => x === k).length);
}

describe('planDemoCohort', () => {
  it("reproduces Table 1's class, split, TIC and stage counts for the default 118 patients", () => {
    const plan = planDemoCohort({ seed: 42 });
    const low = plan.filter((r) => r.label === 1);
    const zero = plan.filter((r) => r.label === 0);
    expect([low.length, zero.length]).toEqual([78, 40]);
    expect(counts(low.map((r) => r.split), ['train', 'test'])).toEqual([54, 24]);
    expect(counts(zero.map((r) => r.split), ['train', 'test'])).toEqual([29, 11]);
    // TIC I/II/III and stage I/II/III, training and testing pooled (Table 1).
    expect(counts(low.map((r) => r.tic), [1, 2, 3])).toEqual([8 + 2, 16 + 5, 30 + 17]);
    expect(counts(zero.map((r) => r.tic), [1, 2, 3])).toEqual([5 + 2, 19 + 5, 5 + 4]);
    expect(counts(low.map((r) => r.stage), [1, 2, 3])).toEqual([4 + 2, 19 + 12, 31 + 10]);
    expect(counts(zero.map((r) => r.stage), [1, 2, 3])).toEqual([1 + 1, 8 + 6, 20 + 4]);
    expect(plan.filter((r) => r.reader2)).toHaveLength(16);
    expect(new Set(plan.map((r) => r.id)).size).toBe(118);
    for (const r of plan) {
      expect(r.diameter).toBeGreaterThanOrEqual(10);
      expect(r.diameter).toBeLessThanOrEqual(r.stage === 1 ? 20 : 50);
      if (r.stage === 1) expect(r.aln).toBe(0);
      expect(r.ihc === '0').toBe(r.label === 0);
      expect(r.ish === 'negative').toBe(r.ihc === '2+');
    }
    expect(planDemoCohort({ seed: 42 })).toEqual(plan);
    expect(planDemoCohort({ seed: 43 })).not.toEqual(plan);
  });

  it('gives a small test cohort at least 10 of each class in training when asked', () => {
    const plan = planDemoCohort({ seed: 1, patients: 30, zero: 15, trainFraction: 0.7 });
    for (const label of [0, 1]) expect(plan.filter((r) => r.label === label && r.split === 'train').length).toBeGreaterThanOrEqual(10);
    expect(() => planDemoCohort({ seed: 1, patients: 10, zero: 11 })).toThrow(/HER2-zero/);
  });
});

describe('generateDemoPatient', () => {
  const seed = 20240501;
  // P004 of this cohort has a second reader (checked below), so every output is covered.
  const cohort = { patients: 6, reader2: 2 };
  const plan = planDemoCohort({ seed, ...cohort });
  const index = plan.findIndex((r) => r.reader2);
  const patient = generateDemoPatient({ seed, index, cohort });

  it('gives byte-identical files for the same seed, and the same patient alone as in the cohort', () => {
    const again = generateDemoPatient({ seed, index, cohort });
    expect(digest(again)).toBe(digest(patient));
    const other = generateDemoPatient({ seed: seed + 1, index, cohort });
    expect(digest(other)).not.toBe(digest(patient));
    let fromCohort: DemoPatient | undefined;
    for (const p of generateDemoCohort({ seed, ...cohort })) {
      if (p.id === patient.id) {
        fromCohort = p;
        break;
      }
    }
    expect(digest(fromCohort!)).toBe(digest(patient));
  });

  it('writes MR and SEG files that dciodvfy accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'her2-demo-dciodvfy-'));
    // Every phase's first, middle and last slice, and the SEG.
    const picked = patient.files.filter((f) => /IM(0001|0020|0040)\.dcm$/.test(f.name));
    expect(picked).toHaveLength(21);
    const paths = picked.map((f) => {
      const p = join(dir, f.name.replace(/\//g, '_'));
      writeFileSync(p, new Uint8Array(f.bytes));
      return p;
    });
    const segPath = join(dir, 'mask.seg.dcm');
    writeFileSync(segPath, patient.segBytes);
    const reports = [...paths, segPath].map(dciodvfy);
    console.log(`dciodvfy on ${reports.length} demo files: ${reports.reduce((a, r) => a + r.errors.length, 0)} errors; warnings:\n  ${warningSummary(reports).join('\n  ') || '(none)'}`);
    for (const r of reports) expect(r.errors, r.file).toEqual([]);
  });

  it('is recognised by the importer as one DCE study of 7 phases, with the SEG as its annotation', async () => {
    const sources = [...patient.files, { name: `${patient.id}/mask.seg.dcm`, bytes: patient.segBytes.slice().buffer }];
    const scan = scanDicom(sources);
    expect(scan.errors).toEqual([]);
    expect(scan.series).toHaveLength(1);
    const item = scan.series[0];
    expect(item.kind).toBe('dce');
    expect(item.phases.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect([item.slices, item.rows, item.columns]).toEqual([40, 128, 128]);
    expect(item.seriesInstanceUIDs).toHaveLength(7);
    expect(item.contrastBolusStartTime).toBeDefined();
    expect(item.warnings).toEqual([]);
    expect(item.annotations.map((a) => [a.kind, a.roiNames])).toEqual([['SEG', ['Lesion']]]);
    for (const p of item.phases) expect(sameGeometry(p.geometry, patient.mask, 1e-6)).toBe(true);
    const phase2 = await loadPhaseVolume(item, 2, (name) => sources.find((s) => s.name === name)!.bytes);
    expect(phase2.data.length).toBe(patient.mask.data.length);
  });

  it('writes masks whose SEG and NRRD read back to the same voxels; reader 2 differs realistically', () => {
    const seg = readSeg(patient.segBytes, patient.mask, 'mask.seg.dcm');
    expect(Array.from(seg.masks[0].data)).toEqual(Array.from(patient.mask.data));
    const nrrd = readNrrd(maskNrrd(patient.mask), 'mask.nrrd');
    expect(sameGeometry(nrrd, patient.mask)).toBe(true);
    expect(Array.from(nrrd.data)).toEqual(Array.from(patient.mask.data));
    expect(patient.maskReader2).toBeDefined();
    const a = patient.mask.data;
    const b = patient.maskReader2!.data;
    let both = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < a.length; i++) {
      na += a[i];
      nb += b[i];
      both += a[i] & b[i];
    }
    const dice = (2 * both) / (na + nb);
    console.log(`reader 1 ${na} voxels, reader 2 ${nb} voxels, Dice ${dice.toFixed(3)}`);
    expect(dice).toBeLessThan(1);
    expect(dice).toBeGreaterThan(0.6);
    const withoutReader2 = planDemoCohort({ seed, ...cohort }).findIndex((r) => !r.reader2);
    expect(generateDemoPatient({ seed, index: withoutReader2, cohort }).maskReader2).toBeUndefined();
  });
});

describe('TIC types read back from the written DICOM', () => {
  it('recover the generated type for at least 95% of a 24-patient cohort (rule of workers/dce/tic.ts)', async () => {
    const seed = 7;
    const rows: string[] = [];
    let agree = 0;
    let n = 0;
    const types = new Set<number>();
    for (const p of generateDemoCohort({ seed, patients: 24 })) {
      const scan = scanDicom(p.files);
      expect(scan.series).toHaveLength(1);
      const item = scan.series[0];
      const get = (name: string) => p.files.find((f) => f.name === name)!.bytes;
      const phases = [];
      for (const ph of item.phases) phases.push({ volume: await loadPhaseVolume(item, ph.index, get), time: ph.time });
      const tic = computeTic({ phases, mask: p.mask, contrastBolusStartTime: item.contrastBolusStartTime });
      n++;
      types.add(p.ticType);
      if (tic.type === p.ticType) agree++;
      rows.push(`${p.id} generated ${p.ticType} measured ${tic.type} change ${(100 * tic.change).toFixed(1)}% (noiseless ${(100 * p.truth.ticChange).toFixed(1)}%, ${p.truth.maskVoxels} voxels, ${p.truth.shape})`);
    }
    console.log(`TIC recovery ${agree}/${n}\n  ${rows.join('\n  ')}`);
    expect(types).toEqual(new Set([1, 2, 3]));
    expect(agree / n).toBeGreaterThanOrEqual(0.95);
  });
});
