/**
 * The demo patient as DICOM: one MR series per phase with Siemens-like headers (same
 * study and frame of reference, SeriesInstanceUID and increasing SeriesNumber per phase,
 * identical geometry and TR/TE/flip, AcquisitionTime per phase, ContrastBolusStartTime on
 * the post-contrast series), and the lesion SEG referencing phase 2. Every UID is
 * uidFromParts('her2-demo', seed, patient, ...) and every date and time is derived from
 * the seed and the patient index, so the same seed gives the same bytes.
 */
import type { Volume } from '../io/volume.ts';
import { type SegSource, writeSeg } from '../io/dicom/seg.ts';
import { uidFromParts } from '../io/dicom/uid.ts';
import { MR_IMAGE_STORAGE, type MrSeriesHeader, writeMrSeries } from '../io/dicom/write-mr.ts';
import { formatDA, formatTM } from '../io/dicom/part10-writer.ts';
import type { DemoPlanRow } from './cohort.ts';
import type { DceProtocol } from './kinetics.ts';

export const DEMO_NOTICE = 'synthetic demo data - not for clinical use';
/** The phase the study delineated on ("DCE phase 2"), which the SEG references. */
export const SEG_REFERENCE_PHASE = 2;

export interface DemoDicomContext {
  seed: number;
  /** both breasts in the field of view */
  bilateral: boolean;
  row: DemoPlanRow;
  protocol: DceProtocol;
  weightKg: number;
}

/** Study date: a day between 2021-01-04 and 2022-09-30 (the study's period), from the index. */
function studyDate(seed: number, index: number): { y: number; m: number; d: number } {
  const start = Date.UTC(2021, 0, 4);
  const days = (((index * 37 + (seed % 97)) % 634) + 634) % 634;
  const t = new Date(start + days * 86400000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

export function demoUid(ctx: DemoDicomContext, ...parts: (string | number)[]): string {
  return uidFromParts('her2-demo', ctx.seed, ctx.row.id, ...parts);
}

interface StudyTiming {
  date: string;
  studyTime: number;
  /** ContrastBolusStartTime, s since midnight */
  bolus: number;
}

function timing(ctx: DemoDicomContext): StudyTiming {
  const { y, m, d } = studyDate(ctx.seed, ctx.row.index);
  const studyTime = 8 * 3600 + (ctx.row.index % 9) * 3600 + ((ctx.row.index * 13) % 50) * 60;
  return { date: formatDA(y, m, d), studyTime, bolus: studyTime + 11 * 60 + 30 };
}

function patientModule(ctx: DemoDicomContext, date: string) {
  const birthYear = Number(date.slice(0, 4)) - ctx.row.age;
  return {
    name: `DEMO^${ctx.row.id}`,
    id: ctx.row.id,
    birthDate: `${birthYear}0101`,
    sex: 'F' as const,
    age: `${String(ctx.row.age).padStart(3, '0')}Y`,
    weightKg: ctx.weightKg,
  };
}

export function studyModule(ctx: DemoDicomContext) {
  const t = timing(ctx);
  return {
    instanceUID: demoUid(ctx, 'study'),
    date: t.date,
    time: formatTM(t.studyTime),
    id: String(ctx.row.index + 1),
    accessionNumber: `DEMO${String(ctx.seed % 100000).padStart(5, '0')}${String(ctx.row.index + 1).padStart(4, '0')}`,
    description: 'MR BREAST DCE (synthetic demo)',
    referringPhysician: '',
  };
}

/** Series header of phase k (0 = pre-contrast). */
export function phaseHeader(ctx: DemoDicomContext, k: number, window: { center: number; width: number }): MrSeriesHeader {
  const t = timing(ctx);
  const acq = t.bolus + ctx.protocol.phaseStarts[k];
  const volumeMl = Math.round(0.2 * ctx.weightKg * 10) / 10;
  const header: MrSeriesHeader = {
    patient: patientModule(ctx, t.date),
    study: studyModule(ctx),
    series: {
      instanceUID: demoUid(ctx, 'series', k),
      number: 10 + k,
      description: k === 0 ? 't1_fl3d_tra_fs_dyn_pre' : `t1_fl3d_tra_fs_dyn_post${k}`,
      protocolName: 't1_fl3d_tra_fs_dyn',
      time: formatTM(acq),
      bodyPartExamined: 'BREAST',
      patientPosition: 'HFP',
      imageLaterality: ctx.bilateral ? 'B' : 'L',
    },
    frameOfReferenceUID: demoUid(ctx, 'frame-of-reference'),
    equipment: {
      manufacturer: 'SIEMENS',
      model: 'Skyra',
      institution: 'HER2 workstation demo (synthetic)',
      station: 'DEMO',
      softwareVersions: 'syngo MR E11',
      deviceSerialNumber: '00000',
    },
    acquisition: {
      date: t.date,
      time: formatTM(acq),
      number: k + 1,
      repetitionTime: ctx.protocol.repetitionTime,
      echoTime: ctx.protocol.echoTime,
      flipAngle: ctx.protocol.flipAngle,
      scanningSequence: ['GR'],
      sequenceVariant: ['SP', 'OSP'],
      scanOptions: ['PFP', 'FS'],
      mrAcquisitionType: '3D',
      sequenceName: '*fl3d1',
      magneticFieldStrength: 3,
      imagingFrequency: 123.2,
      echoTrainLength: 1,
      numberOfAverages: 1,
      pixelBandwidth: 500,
      receiveCoilName: 'Breast_16',
      transmitCoilName: 'Body',
      acquisitionMatrix: [0, 384, 384, 0],
      inPlanePhaseEncodingDirection: 'ROW',
      percentSampling: 100,
      percentPhaseFieldOfView: 100,
    },
    sopInstanceUID: (slice) => demoUid(ctx, 'image', k, slice),
    window,
    imageComments: DEMO_NOTICE,
  };
  if (k > 0) {
    header.contrast = {
      agent: 'Gd-DOTA (Dotarem)',
      startTime: formatTM(t.bolus),
      route: 'IV',
      volume: volumeMl,
      totalDose: Math.round(volumeMl * 0.5 * 100) / 100,
      flowRate: 2.5,
      flowDuration: Math.round((volumeMl / 2.5) * 10) / 10,
      ingredient: 'GADOLINIUM',
      ingredientConcentration: 279.3,
    };
  }
  return header;
}

/** A window that shows the volume: level at half, width at the 99.5th percentile. */
export function displayWindow(data: Uint16Array): { center: number; width: number } {
  const hist = new Uint32Array(4096);
  for (let i = 0; i < data.length; i++) hist[Math.min(4095, data[i])]++;
  const target = data.length * 0.995;
  let acc = 0;
  let p = 4095;
  for (let v = 0; v < 4096; v++) {
    acc += hist[v];
    if (acc >= target) {
      p = v;
      break;
    }
  }
  const width = Math.max(64, p);
  return { center: Math.round(width / 2), width };
}

/** The phase's DICOM files, named '<id>/phase-<k>/IM0001.dcm' ... */
export function phaseFiles(ctx: DemoDicomContext, k: number, volume: Volume<Uint16Array>): { name: string; bytes: Uint8Array }[] {
  const header = phaseHeader(ctx, k, displayWindow(volume.data));
  // acquired at the grid's own matrix (frequency columns, phase rows as the default header writes them)
  header.acquisition.acquisitionMatrix = [0, volume.size[0], volume.size[1], 0];
  return writeMrSeries(volume, header).map((bytes, s) => ({ name: `${ctx.row.id}/phase-${k}/IM${String(s + 1).padStart(4, '0')}.dcm`, bytes }));
}

/** The reader-1 mask as DICOM SEG, referencing the images of phase 2. */
export function lesionSeg(ctx: DemoDicomContext, mask: Volume): Uint8Array {
  const t = timing(ctx);
  const nz = mask.size[2];
  const source: SegSource = {
    sopClassUID: MR_IMAGE_STORAGE,
    sopInstanceUIDs: Array.from({ length: nz }, (_, s) => demoUid(ctx, 'image', SEG_REFERENCE_PHASE, s)),
    seriesInstanceUID: demoUid(ctx, 'series', SEG_REFERENCE_PHASE),
    studyInstanceUID: demoUid(ctx, 'study'),
    frameOfReferenceUID: demoUid(ctx, 'frame-of-reference'),
    patient: patientModule(ctx, t.date),
    study: studyModule(ctx),
  };
  return writeSeg(
    mask,
    source,
    [{ label: 1, name: 'Lesion', color: [230, 40, 40], algorithmType: 'AUTOMATIC', algorithmName: 'HER2 demo generator (ground truth)', description: DEMO_NOTICE }],
    {
      sopInstanceUID: demoUid(ctx, 'seg'),
      seriesInstanceUID: demoUid(ctx, 'seg-series'),
      dimensionOrganizationUID: demoUid(ctx, 'seg-dimensions'),
      seriesNumber: 100,
      seriesDescription: 'Lesion ROI reader 1 (synthetic ground truth)',
      contentLabel: 'LESION',
      contentDescription: DEMO_NOTICE,
      contentCreatorName: 'HER2^DemoGenerator',
      date: t.date,
      time: formatTM(t.bolus + 3600),
      equipment: { manufacturer: 'HER2 workstation', model: 'her2-demo', softwareVersions: '0.1.0', deviceSerialNumber: '1' },
    },
  );
}
