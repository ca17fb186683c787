/**
 * Mask import and export against independent references: round trips through our NRRD,
 * NIfTI and SEG writers; placement checked voxel by voxel against a brute-force nearest-
 * neighbour walk through physical space (volume.ts's index/physical maps); dciodvfy on the
 * exported SEG; the IBSI MR T1 sample's NIfTI mask (IBSI's own rasterisation) onto its
 * DICOM series, and its RTSTRUCT against it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dciodvfy } from '../io/dicom/dciodvfy-support.ts';
import { loadPhaseVolume, scanDicom } from '../io/dicom/index.ts';
import { readSeg } from '../io/dicom/seg.ts';
import { bytesReader, fileBytes, SAMPLES, sourcesOf, tempDir } from '../io/dicom/test-support.ts';
import type { SeriesItem } from '../io/dicom/types.ts';
import { readNifti } from '../io/nifti.ts';
import { readNrrd, writeNrrd } from '../io/nrrd.ts';
import { indexToPhysical, physicalToIndex, type Geometry, type Mat3, type Vec3, type Volume } from '../io/volume.ts';
import { importMask, MaskImportError, placeOnGrid } from './mask-import.ts';
import { labelMapToNifti, labelMapToNrrd, labelMapToSeg, segSourceFromDicom } from './mask-export.ts';

const T1 = join(SAMPLES, 'ibsi-sts002-mr-t1-rtstruct');
const dir = tempDir('roi-mask-io');

/** Rotation about z by 25 degrees, then about x by 8 (columns = index axes). */
const OBLIQUE: Mat3 = (() => {
  const a = (25 * Math.PI) / 180;
  const b = (8 * Math.PI) / 180;
  const rz = [Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1];
  const rx = [1, 0, 0, 0, Math.cos(b), -Math.sin(b), 0, Math.sin(b), Math.cos(b)];
  const m = new Array(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) m[r * 3 + c] += rx[r * 3 + k] * rz[k * 3 + c];
  return m as Mat3;
})();

function ellipsoidLabels(g: Geometry, centre: Vec3, radii: Vec3, label = 1, into?: Uint8Array): Uint8Array {
  const out = into ?? new Uint8Array(g.size[0] * g.size[1] * g.size[2]);
  for (let k = 0, v = 0; k < g.size[2]; k++)
    for (let j = 0; j < g.size[1]; j++)
      for (let i = 0; i < g.size[0]; i++, v++) {
        const p = indexToPhysical(g, i, j, k);
        const q = [0, 1, 2].map((a) => (p[a] - centre[a]) / radii[a]);
        if (q[0] * q[0] + q[1] * q[1] + q[2] * q[2] <= 1) out[v] = label;
      }
  return out;
}

/** The reference: each target voxel takes the source voxel nearest its centre (via physical points). */
function bruteForceNearest(src: Volume, target: Geometry): Uint16Array {
  const out = new Uint16Array(target.size[0] * target.size[1] * target.size[2]);
  for (let k = 0, v = 0; k < target.size[2]; k++)
    for (let j = 0; j < target.size[1]; j++)
      for (let i = 0; i < target.size[0]; i++, v++) {
        const c = physicalToIndex(src, indexToPhysical(target, i, j, k)).map((x) => Math.floor(x + 0.5));
        if (c.some((x, a) => x < 0 || x >= src.size[a])) continue;
        out[v] = src.data[c[0] + src.size[0] * (c[1] + src.size[1] * c[2])];
      }
  return out;
}

const grid: Geometry = { size: [24, 20, 9], spacing: [0.8, 0.9, 2.5], origin: [-12.5, 30.25, -41], direction: OBLIQUE };

describe('placeOnGrid', () => {
  const labels = ellipsoidLabels(grid, indexToPhysical(grid, 11, 9, 4), [6, 5, 7], 1);
  ellipsoidLabels(grid, indexToPhysical(grid, 19, 15, 6), [2, 2, 4], 3, labels);

  it('copies a mask on the same grid exactly, and one whose header was rounded to float32', () => {
    const same = placeOnGrid({ ...grid, data: labels }, grid, 'same.nrrd');
    expect(same.placement).toBe('exact');
    expect(same.warnings).toEqual([]);
    expect(same.data).toEqual(Uint16Array.from(labels));
    const f32 = (v: number[]) => Array.from(Float32Array.from(v));
    const rounded = { size: grid.size, spacing: f32(grid.spacing) as Vec3, origin: f32(grid.origin) as Vec3, direction: f32(grid.direction) as Mat3, data: labels };
    expect(placeOnGrid(rounded, grid, 'f32.nii').data).toEqual(Uint16Array.from(labels));
  });

  it('copies a cropped and flipped grid of the same voxels one to one', () => {
    // Crop i 5..20, j 3..18, k 1..8, then flip j: origin at the last row, column 2 negated.
    const [i0, j0, k0, nx, ny, nz] = [5, 3, 1, 16, 16, 8];
    const d = grid.direction;
    const flipped: Mat3 = [d[0], -d[1], d[2], d[3], -d[4], d[5], d[6], -d[7], d[8]];
    const crop: Volume = { size: [nx, ny, nz], spacing: grid.spacing, origin: indexToPhysical(grid, i0, j0 + ny - 1, k0), direction: flipped, data: new Uint8Array(nx * ny * nz) };
    const expected = new Uint16Array(labels.length);
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const v = labels[i0 + i + 24 * (j0 + ny - 1 - j + 20 * (k0 + k))];
          crop.data[i + nx * (j + ny * k)] = v;
          expected[i0 + i + 24 * (j0 + ny - 1 - j + 20 * (k0 + k))] = v;
        }
    const placed = placeOnGrid(crop, grid, 'crop.nrrd');
    expect(placed.placement).toBe('exact');
    expect(placed.data).toEqual(expected);
  });

  it('resamples a finer, shifted grid by nearest neighbour (same result as a walk through physical space) and warns', () => {
    const fine: Geometry = { size: [50, 42, 20], spacing: [0.4, 0.45, 1.25], origin: indexToPhysical(grid, -0.3, 0.2, 0.1), direction: OBLIQUE };
    const src: Volume = { ...fine, data: ellipsoidLabels(fine, indexToPhysical(grid, 11, 9, 4), [6, 5, 7], 2) };
    const placed = placeOnGrid(src, grid, 'fine.nii.gz');
    expect(placed.placement).toBe('resampled');
    expect(placed.warnings.join(' ')).toMatch(/fine\.nii\.gz: the mask is on another grid .* resampled .* nearest neighbour/);
    expect(placed.data).toEqual(bruteForceNearest(src, grid));
  });

  it('drops foreground outside the image with a warning; fails naming the file when none overlaps', () => {
    const shifted = { ...grid, origin: indexToPhysical(grid, 0, 0, 3) as Vec3, data: labels };
    const partial = placeOnGrid(shifted, grid, 'shifted.nrrd');
    expect(partial.placement).toBe('exact');
    expect(partial.warnings.join(' ')).toMatch(/shifted\.nrrd: \d+ of the mask's \d+ voxels lie outside the image and were left out/);
    const far = { ...grid, origin: [500, 500, 500] as Vec3, data: labels };
    expect(() => placeOnGrid(far, grid, 'far.nrrd')).toThrow(/far\.nrrd: the mask does not overlap the image: its voxels lie at .* the image covers/);
    expect(() => placeOnGrid({ ...grid, data: new Uint8Array(labels.length) }, grid, 'empty.nrrd')).toThrow(/empty\.nrrd: the mask is empty/);
  });
});

describe('importMask / export round trips', () => {
  const labels = ellipsoidLabels(grid, indexToPhysical(grid, 11, 9, 4), [6, 5, 7], 1);
  ellipsoidLabels(grid, indexToPhysical(grid, 19, 15, 6), [2, 2, 4], 2, labels);
  const count = (v: number) => labels.reduce((a, x) => a + (x === v ? 1 : 0), 0);

  for (const [what, bytes] of [
    ['NRRD', () => labelMapToNrrd(labels, grid)],
    ['NIfTI', () => labelMapToNifti(labels, grid)],
  ] as const) {
    it(`${what}: export then import gives the same voxels, one segment per label`, () => {
      const name = what === 'NRRD' ? 'roi.nrrd' : 'roi.nii.gz';
      const file = bytes();
      const back = importMask(file, name, grid);
      expect(back.placement).toBe('exact');
      expect(back.warnings).toEqual([]);
      expect(back.segments.map((s) => [s.value, s.voxelCount])).toEqual([
        [1, count(1)],
        [2, count(2)],
      ]);
      const rebuilt = new Uint8Array(labels.length);
      for (const s of back.segments) for (let v = 0; v < labels.length; v++) if (s.mask[v]) rebuilt[v] = s.value;
      expect(rebuilt).toEqual(labels);
      // ...and the file itself is the image-aligned uint8 label map other tools read.
      const vol = what === 'NRRD' ? readNrrd(file) : readNifti(file);
      expect(vol.data).toEqual(labels);
      expect(vol.size).toEqual(grid.size);
    });
  }

  it('SEG with two lesions: export then import gives each lesion its voxels, names and colours', () => {
    const source = {
      sopClassUID: '1.2.840.10008.5.1.4.1.1.4',
      sopInstanceUIDs: Array.from({ length: grid.size[2] }, (_, k) => `1.2.826.0.1.3680043.9.7433.1.${k + 1}`),
      seriesInstanceUID: '1.2.826.0.1.3680043.9.7433.2',
      studyInstanceUID: '1.2.826.0.1.3680043.9.7433.3',
      frameOfReferenceUID: '1.2.826.0.1.3680043.9.7433.4',
      patient: { name: 'Test^Patient', id: 'P1' },
      study: { date: '20240101', time: '101010' },
    };
    const seg = labelMapToSeg(labels, grid, source, [
      { value: 1, name: 'Lesion 1', color: [230, 40, 40] },
      { value: 2, name: 'Lesion 2', color: [40, 120, 230] },
    ]);
    const back = importMask(seg, 'two.dcm', grid, { frameOfReferenceUID: source.frameOfReferenceUID });
    expect(back.placement).toBe('exact');
    expect(back.segments.map((s) => [s.value, s.name, s.voxelCount])).toEqual([
      [1, 'Lesion 1', count(1)],
      [2, 'Lesion 2', count(2)],
    ]);
    for (const s of back.segments) for (let v = 0; v < labels.length; v++) expect(s.mask[v]).toBe(labels[v] === s.value ? 1 : 0);
    expect(back.segments[1].color!.map((c, i) => Math.abs(c - [40, 120, 230][i]) <= 1)).toEqual([true, true, true]);
  });

  it('SEG of lesions {1, 3}: segments numbered 1, 2 (PS3.3 C.8.20.2.4), passes dciodvfy, imports back as labels {1, 3}', () => {
    const gapped = ellipsoidLabels(grid, indexToPhysical(grid, 11, 9, 4), [6, 5, 7], 1);
    ellipsoidLabels(grid, indexToPhysical(grid, 19, 15, 6), [2, 2, 4], 3, gapped);
    const source = {
      sopClassUID: '1.2.840.10008.5.1.4.1.1.4',
      sopInstanceUIDs: Array.from({ length: grid.size[2] }, (_, k) => `1.2.826.0.1.3680043.9.7433.1.${k + 1}`),
      seriesInstanceUID: '1.2.826.0.1.3680043.9.7433.2',
      studyInstanceUID: '1.2.826.0.1.3680043.9.7433.3',
      frameOfReferenceUID: '1.2.826.0.1.3680043.9.7433.4',
      patient: { name: 'Test^Patient', id: 'P1' },
      study: { date: '20240101', time: '101010' },
    };
    const seg = labelMapToSeg(gapped, grid, source, [
      { value: 1, name: 'Lesion 1' },
      { value: 3, name: 'Lesion 3' },
    ]);
    const path = join(dir, 'gapped-seg.dcm');
    writeFileSync(path, seg);
    expect(dciodvfy(path).errors).toEqual([]);
    const read = readSeg(seg, grid);
    expect(read.segments.map((s) => [s.number, s.trackingId])).toEqual([
      [1, 'label value 1'],
      [2, 'label value 3'],
    ]);
    const back = importMask(seg, 'gapped-seg.dcm', grid, { frameOfReferenceUID: source.frameOfReferenceUID });
    expect(back.segments.map((s) => s.value)).toEqual([1, 3]);
    const rebuilt = new Uint8Array(gapped.length);
    for (const s of back.segments) for (let v = 0; v < gapped.length; v++) if (s.mask[v]) rebuilt[v] = s.value;
    expect(rebuilt).toEqual(gapped);
    // One lesion alone (label 3) is segment 1 and comes back as label 3.
    const one = importMask(labelMapToSeg(gapped, grid, source, [{ value: 3, name: 'Lesion 3' }]), 'one.dcm', grid);
    expect(one.segments.map((s) => [s.value, s.voxelCount])).toEqual([[3, gapped.reduce((a, x) => a + (x === 3 ? 1 : 0), 0)]]);
  });

  describe("a SEG of another study (written by our writer with other UIDs)", () => {
    const ours = {
      sopClassUID: '1.2.840.10008.5.1.4.1.1.4',
      sopInstanceUIDs: Array.from({ length: grid.size[2] }, (_, k) => `1.2.826.0.1.3680043.9.7433.1.${k + 1}`),
      seriesInstanceUID: '1.2.826.0.1.3680043.9.7433.2',
      studyInstanceUID: '1.2.826.0.1.3680043.9.7433.3',
      frameOfReferenceUID: '1.2.826.0.1.3680043.9.7433.4',
      patient: { name: 'Test^Patient', id: 'P1' },
      study: { date: '20240101', time: '101010' },
    };
    const opts = { frameOfReferenceUID: ours.frameOfReferenceUID, target: { studyInstanceUID: ours.studyInstanceUID, patientId: 'P1' } };
    const segWith = (uids: { studyInstanceUID?: string; frameOfReferenceUID?: string; patientId?: string }) =>
      labelMapToSeg(
        labels,
        grid,
        { ...ours, ...uids, patient: { name: 'Other^Patient', id: uids.patientId ?? 'P1' } },
        [{ value: 1, name: 'Lesion 1' }],
      );
    const otherStudy = '1.2.826.0.1.3680043.9.7433.93';
    const otherFoR = '1.2.826.0.1.3680043.9.7433.94';

    it('is refused when both its study and its frame of reference differ, naming the file and both UIDs', () => {
      const seg = segWith({ studyInstanceUID: otherStudy, frameOfReferenceUID: otherFoR, patientId: 'P2' });
      expect(() => importMask(seg, 'x.seg.dcm', grid, opts)).toThrow(MaskImportError);
      expect(() => importMask(seg, 'x.seg.dcm', grid, opts)).toThrow(
        `x.seg.dcm belongs to study ${otherStudy} / frame of reference ${otherFoR} (patient P2, not P1), not this study's`,
      );
    });

    it('is placed by position with a warning when only its frame of reference differs, or only its study', () => {
      for (const uids of [{ frameOfReferenceUID: otherFoR }, { studyInstanceUID: otherStudy }]) {
        const back = importMask(segWith(uids), 'x.seg.dcm', grid, opts);
        expect(back.segments.map((s) => [s.value, s.voxelCount])).toEqual([[1, count(1)]]);
        if (uids.frameOfReferenceUID) expect(back.warnings.join(' ')).toMatch(/x\.seg\.dcm: the SEG is in frame of reference .*; it was placed by position/);
        else expect(back.warnings).toEqual([]);
      }
    });

    it("is placed with a warning when the image's study is not known (nothing to compare)", () => {
      const seg = segWith({ studyInstanceUID: otherStudy, frameOfReferenceUID: otherFoR });
      const back = importMask(seg, 'x.seg.dcm', grid, { frameOfReferenceUID: ours.frameOfReferenceUID });
      expect(back.segments).toHaveLength(1);
      expect(back.warnings.join(' ')).toMatch(/placed by position/);
    });
  });

  it('reads 3D Slicer segment names and colours from a segmentation NRRD', () => {
    const file = writeNrrd(
      { ...grid, data: labels },
      { keyValues: { Segment0_Name: 'Tumour', Segment0_LabelValue: '1', Segment0_Color: '1 0 0', Segment1_Name: 'Cyst', Segment1_LabelValue: '2', Segment1_Color: '0 0.5 1' } },
    );
    const back = importMask(file, 'slicer.seg.nrrd', grid);
    expect(back.segments.map((s) => [s.name, s.color])).toEqual([
      ['Tumour', [255, 0, 0]],
      ['Cyst', [0, 128, 255]],
    ]);
  });

  it('rejects a file that is not a label map, naming it', () => {
    const frac = new Float32Array(labels.length);
    frac[7] = 0.5;
    expect(() => importMask(writeNrrd({ ...grid, data: frac }), 'prob.nrrd', grid)).toThrow(/prob\.nrrd: not a label map \(voxel 7 has the value 0\.5/);
    expect(() => importMask(new TextEncoder().encode('hello, this is not a mask at all'), 'notes.txt', grid)).toThrow(MaskImportError);
    expect(() => importMask(new TextEncoder().encode('hello'), 'notes.txt', grid)).toThrow(/notes\.txt: not a mask file/);
  });
});

describe('the IBSI MR T1 sample', () => {
  let item: SeriesItem;
  let image: Volume;
  const sources = sourcesOf(T1, (n) => n.startsWith('dicom/'));
  beforeAll(async () => {
    const r = scanDicom(sources);
    item = r.series.find((s) => s.modality === 'MR')!;
    image = await loadPhaseVolume(item, 0, bytesReader(T1));
  });

  it("its NIfTI mask lands on the DICOM series exactly, with the mask's 17090 voxels", () => {
    const file = new Uint8Array(fileBytes(join(T1, 'nifti/MR_T1_mask.nii.gz')));
    const nii = readNifti(file);
    let nCount = 0;
    for (let v = 0; v < nii.data.length; v++) if (nii.data[v] !== 0) nCount++;
    const r = importMask(file, 'MR_T1_mask.nii.gz', image, { frameOfReferenceUID: item.frameOfReferenceUID });
    expect(r.placement).toBe('exact');
    expect(r.warnings).toEqual([]);
    expect(r.segments).toHaveLength(1);
    expect(r.segments[0].voxelCount).toBe(nCount);
    expect(nCount).toBe(17090);
  });

  it('its RTSTRUCT rasterised through importMask overlaps the IBSI mask with Dice >= 0.9', () => {
    const mask = importMask(new Uint8Array(fileBytes(join(T1, 'nifti/MR_T1_mask.nii.gz'))), 'MR_T1_mask.nii.gz', image).segments[0].mask;
    const rt = importMask(new Uint8Array(fileBytes(join(T1, 'dicom/mask/RS.dcm'))), 'RS.dcm', image, { frameOfReferenceUID: item.frameOfReferenceUID });
    expect(rt.format).toBe('rtstruct');
    expect(rt.segments.map((s) => s.name)).toEqual(['GTV_Mass_MR_T1']);
    let both = 0;
    for (let v = 0; v < mask.length; v++) both += mask[v] & rt.segments[0].mask[v];
    const dice = (2 * both) / (17090 + rt.segments[0].voxelCount);
    expect(dice).toBeGreaterThanOrEqual(0.9);
  });

  it('SEG export references the source images, passes dciodvfy, and imports back voxel for voxel', () => {
    const mask = importMask(new Uint8Array(fileBytes(join(T1, 'nifti/MR_T1_mask.nii.gz'))), 'MR_T1_mask.nii.gz', image).segments[0].mask;
    const labels = Uint8Array.from(mask, (x) => x * 2); // segment value 2: written as the SEG's only segment
    const phase = item.phases[0];
    const first = sources.find((s) => s.name === phase.frames[0].source)!;
    const source = segSourceFromDicom(first, phase);
    const seg = labelMapToSeg(labels, image, source, [{ value: 2, name: 'Lesion 1', color: [230, 40, 40] }], { date: '20240101', time: '120000' });
    const path = join(dir, 't1-seg.dcm');
    writeFileSync(path, seg);
    const report = dciodvfy(path);
    expect(report.errors).toEqual([]);
    const read = readSeg(seg, image);
    expect(read.referencedSeriesInstanceUIDs).toEqual(item.seriesInstanceUIDs);
    expect(read.masks[0].data).toEqual(mask);
    const back = importMask(seg, 't1-seg.dcm', image, { frameOfReferenceUID: item.frameOfReferenceUID });
    expect(back.placement).toBe('exact');
    expect(back.warnings).toEqual([]);
    expect(back.segments.map((s) => [s.value, s.name, s.voxelCount])).toEqual([[2, 'Lesion 1', 17090]]);
    expect(back.segments[0].mask).toEqual(mask);
    // every frame's source image is one of the phase's instances
    const text = Buffer.from(seg).toString('latin1');
    for (const f of phase.frames.slice(10, 26)) expect(text).toContain(f.sopInstanceUID);
  });

  it('a SEG made on another grid is resampled onto the series with a warning', () => {
    const fine: Geometry = { size: [230, 180, 35], spacing: [image.spacing[0] / 2, image.spacing[1] / 2, image.spacing[2]], origin: indexToPhysical(image, -0.2, -0.35, 0), direction: image.direction }; // no ties: image voxel i is fine voxel 2i + 0.4
    const fineMask = ellipsoidLabels(fine, indexToPhysical(image, 57, 45, 17), [15, 12, 20], 1);
    const source = segSourceFromDicom(sources.find((s) => s.name === item.phases[0].frames[0].source)!, item.phases[0]);
    const seg = labelMapToSeg(fineMask, fine, source, [{ value: 1, name: 'fine' }]);
    const back = importMask(seg, 'fine-seg.dcm', image);
    expect(back.placement).toBe('resampled');
    expect(back.warnings.join(' ')).toMatch(/fine-seg\.dcm .*resampled to the image grid by nearest neighbour/);
    expect(Uint16Array.from(back.segments[0].mask)).toEqual(bruteForceNearest({ ...fine, data: fineMask }, image));
  });
});
