/**
 * `npm run bench -- dicom`: DICOM import timings in Node on a synthetic DCE study the size
 * of the app's target (7 phases x 384 x 384 x 88, one series per phase, 616 files, ~180 MB,
 * written by workers/io/dicom/write-mr.ts): header scan and grouping of all files, decoding
 * of the first phase, and of all phases. Prints numbers; asserts nothing.
 */
import { loadPhaseVolume, scanDicom } from '../workers/io/dicom/index.ts';
import type { DicomSource } from '../workers/io/dicom/types.ts';
import { writeMrSeries, type MrSeriesHeader } from '../workers/io/dicom/write-mr.ts';
import type { Mat3, Vec3, Volume } from '../workers/io/volume.ts';

const SIZE: Vec3 = [384, 384, 88];
const PHASES = 7;
const TIMES = ['100000', '100100', '100200', '100300', '100400', '100500', '100600'];

function header(p: number): MrSeriesHeader {
  return {
    patient: { name: 'Bench^DCE', id: 'BENCH1' },
    study: { instanceUID: '2.25.4242', date: '20240101', time: '095500', description: 'bench DCE' },
    series: { instanceUID: `2.25.4242${p}`, number: 10 + p, description: `dyn phase ${p}`, patientPosition: 'HFP' },
    frameOfReferenceUID: '2.25.424299',
    equipment: { manufacturer: 'HER2 bench' },
    acquisition: {
      date: '20240101',
      time: TIMES[p],
      repetitionTime: 4.5,
      echoTime: 2.1,
      flipAngle: 10,
      scanningSequence: ['GR'],
      sequenceVariant: ['SP'],
      scanOptions: [],
      mrAcquisitionType: '3D',
    },
    contrast: p ? { agent: 'Gd', startTime: '100030' } : undefined,
    sopInstanceUID: (k) => `2.25.4242${p}0${k}`,
  };
}

function ms(t0: number): string {
  return `${(performance.now() - t0).toFixed(0)} ms`;
}

const n = SIZE[0] * SIZE[1] * SIZE[2];
const t0 = performance.now();
const sources: DicomSource[] = [];
const data = new Uint16Array(n);
for (let p = 0; p < PHASES; p++) {
  for (let i = 0; i < n; i++) data[i] = (i * 7 + p * 13) & 1023;
  const volume: Volume = {
    size: SIZE,
    spacing: [0.9, 0.9, 2],
    origin: [-170, -170, -80],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] as Mat3,
    data,
  };
  writeMrSeries(volume, header(p)).forEach((bytes, k) => {
    sources.push({ name: `phase${p}/IM${String(k).padStart(4, '0')}.dcm`, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
  });
}
const totalMb = sources.reduce((s, x) => s + x.bytes.byteLength, 0) / 1e6;
console.log(`synthetic study: ${sources.length} files, ${totalMb.toFixed(0)} MB, written in ${ms(t0)}`);

const byName = new Map(sources.map((s) => [s.name, s.bytes]));
const getBytes = (name: string) => byName.get(name)!;

for (let run = 1; run <= 2; run++) {
  const tScan = performance.now();
  const result = scanDicom(sources);
  const scanTime = ms(tScan);
  const item = result.series[0];
  if (result.series.length !== 1 || item.phases.length !== PHASES) {
    throw new Error(`expected one DCE item of ${PHASES} phases, got ${result.series.map((s) => `${s.kind}:${s.phases.length}`).join(', ')}`);
  }
  const tFirst = performance.now();
  await loadPhaseVolume(item, 0, getBytes);
  const firstTime = ms(tFirst);
  const tAll = performance.now();
  for (let p = 1; p < PHASES; p++) await loadPhaseVolume(item, p, getBytes);
  console.log(
    `run ${run}: scan + group ${sources.length} files ${scanTime}; decode phase 0 (${SIZE.join('x')}) ${firstTime}; the other ${PHASES - 1} phases ${ms(tAll)}; scan to all phases ${ms(tScan)}`,
  );
}
