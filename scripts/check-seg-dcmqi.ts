/**
 * `npx tsx scripts/check-seg-dcmqi.ts DIR`: reads the DICOM SEG samples of dcmqi
 * (QIICR/dcmqi, folder data/segmentations, not stored in this repository) with our
 * readSeg and compares every segment, voxel by voxel, with the NRRD label maps dcmqi
 * ships beside them: liver.dcm (BINARY, 3D Slicer), partial_overlaps.dcm (BINARY, 5
 * overlapping segments in 3 label maps) and sparse-labelmap-{noppv,ppv5}.dcm (LABELMAP
 * Segmentation Storage, with and without a PixelPaddingValue). Prints one line per
 * segment; exits 1 on any mismatch.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSeg } from '../workers/io/dicom/seg.ts';
import { readNrrd } from '../workers/io/nrrd.ts';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: npx tsx scripts/check-seg-dcmqi.ts <dcmqi>/data/segmentations');
  process.exit(2);
}

/** SEG file, the NRRD label maps, and for each segment the (label map, value) that holds it. */
const CASES: { seg: string; nrrds: string[]; segments: [number, number][] }[] = [
  { seg: 'liver.dcm', nrrds: ['liver_seg.nrrd'], segments: [[0, 1]] },
  {
    seg: 'partial_overlaps.dcm',
    nrrds: ['partial_overlaps-1.nrrd', 'partial_overlaps-2.nrrd', 'partial_overlaps-3.nrrd'],
    segments: [[0, 1], [1, 2], [2, 3], [0, 4], [0, 5]],
  },
  { seg: 'sparse-labelmap-noppv.dcm', nrrds: ['sparse_labelmap_noppv_seg.nrrd'], segments: [[0, 1]] },
  { seg: 'sparse-labelmap-ppv5.dcm', nrrds: ['sparse_labelmap_ppv5_seg.nrrd'], segments: [[0, 1]] },
];

let failures = 0;
for (const c of CASES) {
  const maps = c.nrrds.map((n) => readNrrd(readFileSync(join(dir, n)), n));
  const r = readSeg(readFileSync(join(dir, c.seg)), maps[0], c.seg);
  c.segments.forEach(([map, value], s) => {
    const ref = maps[map].data;
    const ours = r.masks[s].data;
    let mismatch = 0;
    let voxels = 0;
    for (let i = 0; i < ours.length; i++) {
      const expected = ref[i] === value ? 1 : 0;
      voxels += expected;
      if (ours[i] !== expected) mismatch++;
    }
    if (mismatch) failures++;
    console.log(`${c.seg} (${r.segmentationType}) segment ${r.segments[s].number} '${r.segments[s].label}': ${voxels} voxels in ${c.nrrds[map]} = ${value}, ${mismatch} mismatches`);
  });
}
process.exit(failures ? 1 : 0);
