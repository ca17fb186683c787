/**
 * Image synthesis of one demo patient: anatomy + lesion + kinetics -> the signal of each
 * DCE phase (spoiled gradient echo of each tissue's concentration), Rician noise, stored
 * as 12-bit unsigned integers; plus the ground-truth masks.
 *
 * A voxel's signal at phase k (before noise):
 *   gain * G * [ (1 - f) S_background + (f - f_nec) M_les a' g(T10_les, a C_les(k))
 *                + f_nec M_nec g(T10_nec, 0) ]
 * with f / f_nec the lesion / necrosis partial-volume fractions, a the lesion's
 * enhancement amplitude map (log-normal heterogeneity: coarse + fine value noise, a rim
 * term), a' its small native (M0) texture, g() the SPGR signal (kinetics.ts), G a
 * per-patient scale putting fibroglandular tissue near 250-400 before contrast, `gain`
 * the coil bias, tissue texture and the air partial volume at the skin (anatomy.ts).
 * Breast background: fgt M_fgt g(T10_fgt, bpe C_fgt(k)) + (1 - fgt) fatM0 g(T10_fat, C_fat(k)).
 * Rician noise: |S + sigma (n1 + i n2)|, sigma = S_fgt,pre / SNR, SNR 18-35 per patient.
 */
import type { Vec3, Volume } from '../io/volume.ts';
import { IDENTITY } from '../io/volume.ts';
import {
  AIR, type Anatomy, BLOOD, BREAST, CHEST_WALL, LUNG, MUSCLE, MYOCARDIUM, SKIN, SUBCUT_FAT, TISSUE_COUNT,
  drawAnatomy, placeLesion, rasterizeAnatomy,
} from './anatomy.ts';
import type { DemoPlanRow } from './cohort.ts';
import {
  type DceProtocol, HEMATOCRIT, type LesionKinetics, R1_RELAXIVITY, STUDY_PROTOCOL, drawLesionKinetics, phaseCentre,
  plasmaConcentration, signalOf, spgrSignal, toftsConcentration,
} from './kinetics.ts';
import { type LesionGeometry, type LesionRaster, type LesionShape, drawLesionShape, drawReader2, rasterizeLesion } from './lesion.ts';
import { addValueNoise, normalTable, standardise } from './noise.ts';
import type { ClassSignal, GridSpec } from './params.ts';
import { Prng } from './prng.ts';

/** Native T1 (s) and relative M0 of each background tissue (3 T, fat-suppressed T1w). */
const T10 = { fgt: 1.45, fat: 0.37, skin: 1.2, muscle: 1.42, chest: 1.3, lung: 1.3, blood: 1.8, myo: 1.5, necrosis: 2.5 };
const M0 = { fgt: 1.0, skin: 0.85, muscle: 0.8, chest: 0.75, lung: 0.08, blood: 0.9, myo: 0.85, lesion: 1.0, necrosis: 1.1 };
/** BPE levels (Ktrans of fibroglandular tissue, 1/min): minimal, mild, moderate, marked */
const BPE_KTRANS = [0.004, 0.012, 0.025, 0.05];
const SHAPES: LesionShape[] = ['ellipsoid', 'lobulated', 'spiculated'];

export interface PatientModel {
  seed: number;
  row: DemoPlanRow;
  grid: { size: Vec3; spacing: Vec3; origin: Vec3 };
  protocol: DceProtocol;
  anatomy: Anatomy;
  lesion: LesionGeometry;
  raster: LesionRaster;
  kinetics: LesionKinetics;
  /** lesion enhancement amplitude and native texture over the lesion box */
  amplitude: Float32Array;
  nativeTexture: Float32Array;
  /** per-patient scale, noise SD */
  scale: number;
  sigma: number;
  /** per phase: concentration (mM) of each background tissue */
  background: { fgt: number[]; fat: number[]; skin: number[]; muscle: number[]; lung: number[]; blood: number[]; myo: number[] };
  /** latent heterogeneity score and the fine texture log-SD it gave */
  heterogeneity: { z: number; fineSd: number; coarseSd: number };
  weightKg: number;
}

export function gridGeometry(spec: GridSpec): { size: Vec3; spacing: Vec3; origin: Vec3 } {
  const size = [...spec.size] as Vec3;
  const spacing = [...spec.spacing] as Vec3;
  const origin: Vec3 = [
    spec.centreX - ((size[0] - 1) * spacing[0]) / 2,
    spec.centreY - ((size[1] - 1) * spacing[1]) / 2,
    -((size[2] - 1) * spacing[2]) / 2,
  ];
  return { size, spacing, origin };
}

/** Draws and rasterises everything about one patient except the noisy images. */
export function buildPatientModel(seed: number, row: DemoPlanRow, spec: GridSpec, signal: ClassSignal): PatientModel {
  const stream = (name: string) => new Prng(seed, `patient/${row.index}/${name}`);
  const grid = gridGeometry(spec);
  const protocol = STUDY_PROTOCOL;

  // Lesion shape first: the breast is drawn large enough for it.
  const shapeRng = stream('lesion-shape');
  const shape = SHAPES[shapeRng.categorical([0.35, 0.35, 0.3])];
  const lesion = drawLesionShape(shapeRng, shape, row.diameter, 0.3) as LesionGeometry;
  const anatomyRng = stream('anatomy');
  const anatomyParams = drawAnatomy(anatomyRng, row.diameter, spec.bilateral);
  const anatomy = rasterizeAnatomy(anatomyParams, grid, anatomyRng);
  lesion.centre = placeLesion(anatomyParams, grid, lesion.maxRadius, stream('lesion-place'));
  if (lesion.necrosisAxes) {
    const j = lesion.axes[2] * 0.15;
    const r = stream('necrosis');
    lesion.necrosisCentre = [lesion.centre[0] + r.range(-j, j), lesion.centre[1] + r.range(-j, j), lesion.centre[2] + r.range(-j, j)];
  }
  if (row.reader2) drawReader2(stream('reader2'), lesion);
  const raster = rasterizeLesion(lesion, grid.size, grid.spacing, grid.origin);

  // Kinetics: the TIC type from the plan, the class's Ktrans multiplier.
  const kinRng = stream('kinetics');
  const kinetics = drawLesionKinetics(kinRng, row.tic, row.label === 1 ? signal.ktransRatio : 1, protocol);
  const times = protocol.phaseStarts.map((_, k) => phaseCentre(protocol, k));
  const aif = kinetics.aif;
  const bpeLevel = BPE_KTRANS[kinRng.categorical([0.35, 0.35, 0.2, 0.1])];
  const background = {
    fgt: toftsConcentration({ ktrans: bpeLevel, ve: 0.3, vp: 0 }, times, aif),
    fat: toftsConcentration({ ktrans: 0.004, ve: 0.1, vp: 0.002 }, times, aif),
    skin: toftsConcentration({ ktrans: 0.05, ve: 0.3, vp: 0.02 }, times, aif),
    muscle: toftsConcentration({ ktrans: 0.05, ve: 0.12, vp: 0.02 }, times, aif),
    lung: times.map((t) => 0.12 * plasmaConcentration(t, aif)),
    blood: times.map((t) => plasmaConcentration(t, aif) * (1 - HEMATOCRIT)),
    myo: toftsConcentration({ ktrans: 0.5, ve: 0.25, vp: 0.1 }, times, aif),
  };

  // Lesion heterogeneity: the class signal's latent score z.
  const texRng = stream('lesion-texture');
  const d = signal.heterogeneityEffect;
  const z = texRng.normal() + (row.label === 1 ? d / 2 : -d / 2);
  const fineSd = Math.max(0.02, signal.fineTexture + signal.fineTexturePerZ * z);
  const coarseSd = signal.coarseTexture;
  const [i0, i1, j0, j1, k0, k1] = raster.box;
  const boxSize: [number, number, number] = [i1 - i0, j1 - j0, k1 - k0];
  const nBox = boxSize[0] * boxSize[1] * boxSize[2];
  const inLesion = new Uint8Array(nBox);
  for (let o = 0; o < nBox; o++) inLesion[o] = raster.fraction[o] > 0 ? 1 : 0;
  const fine = new Float32Array(nBox);
  const coarse = new Float32Array(nBox);
  const nativeTexture = new Float32Array(nBox);
  const boxGrid = { size: grid.size as [number, number, number], spacing: grid.spacing as [number, number, number], box: raster.box };
  addValueNoise(fine, boxGrid, [4, 4, 4], 1, texRng);
  addValueNoise(fine, boxGrid, [2.5, 2.5, 2.5], 0.5, texRng);
  const coarseLattice = Math.max(6, row.diameter / 3);
  addValueNoise(coarse, boxGrid, [coarseLattice, coarseLattice, coarseLattice], 1, texRng);
  addValueNoise(nativeTexture, boxGrid, [3, 3, 3], 1, texRng);
  standardise(fine, inLesion);
  standardise(coarse, inLesion);
  const rim = texRng.range(0, 0.35);
  const amplitude = new Float32Array(nBox);
  const norm = 0.5 * (fineSd * fineSd + coarseSd * coarseSd);
  for (let o = 0; o < nBox; o++) {
    const r = raster.radial[o];
    const rimTerm = 1 + rim * (Math.min(r, 1.2) ** 2 - 0.4);
    amplitude[o] = Math.max(0.05, Math.exp(fineSd * fine[o] + coarseSd * coarse[o] - norm) * rimTerm);
    nativeTexture[o] = 1 + 0.03 * nativeTexture[o];
  }

  const scaleRng = stream('scale');
  const fgtPre = scaleRng.range(250, 400);
  const scale = fgtPre / spgrSignal(1 / T10.fgt, protocol);
  const sigma = fgtPre / scaleRng.range(18, 35);
  const weightKg = Math.round(scaleRng.range(50, 85));
  return {
    seed,
    row,
    grid,
    protocol,
    anatomy,
    lesion,
    raster,
    kinetics,
    amplitude,
    nativeTexture,
    scale,
    sigma,
    background,
    heterogeneity: { z, fineSd, coarseSd },
    weightKg,
  };
}

/** The noiseless signal of phase k (Float32, on the grid). */
export function noiselessPhase(m: PatientModel, k: number): Float32Array {
  const { anatomy, protocol, background: bg } = m;
  const n = anatomy.tissue.length;
  const out = new Float32Array(n);
  // Per-tissue signals of this phase (scaled).
  const G = m.scale;
  const perTissue = new Float32Array(TISSUE_COUNT);
  perTissue[AIR] = 0;
  perTissue[SKIN] = G * M0.skin * signalOf(T10.skin, bg.skin[k], protocol);
  perTissue[MUSCLE] = G * M0.muscle * signalOf(T10.muscle, bg.muscle[k], protocol);
  perTissue[CHEST_WALL] = G * M0.chest * signalOf(T10.chest, 0.8 * bg.muscle[k], protocol);
  perTissue[LUNG] = G * M0.lung * signalOf(T10.lung, bg.lung[k], protocol);
  perTissue[BLOOD] = G * M0.blood * signalOf(T10.blood, bg.blood[k], protocol);
  perTissue[MYOCARDIUM] = G * M0.myo * signalOf(T10.myo, bg.myo[k], protocol);
  const fatSignal = G * signalOf(T10.fat, bg.fat[k], protocol);
  perTissue[SUBCUT_FAT] = fatSignal;
  const tr = protocol.repetitionTime / 1000;
  const sinA = Math.sin((protocol.flipAngle * Math.PI) / 180);
  const cosA = Math.cos((protocol.flipAngle * Math.PI) / 180);
  const r10fgt = 1 / T10.fgt;
  const cFgt = R1_RELAXIVITY * bg.fgt[k];
  const gFgt = G * M0.fgt;
  const { tissue, fgt, bpe, fatM0, gain } = anatomy;
  for (let o = 0; o < n; o++) {
    const t = tissue[o];
    if (t === AIR) continue;
    let s: number;
    if (t === BREAST) {
      const phi = fgt[o];
      // Spoiled gradient echo of fibroglandular tissue, inlined (one exp per voxel).
      const e1 = Math.exp(-tr * (r10fgt + cFgt * bpe[o]));
      const sFgt = (gFgt * sinA * (1 - e1)) / (1 - cosA * e1);
      s = phi * sFgt + (1 - phi) * fatM0[o] * fatSignal;
    } else if (t === SUBCUT_FAT) s = fatM0[o] * fatSignal;
    else s = perTissue[t];
    out[o] = s * gain[o];
  }

  // The lesion, blended by its partial-volume fractions.
  const { box, fraction, necrosis } = m.raster;
  const [i0, i1, j0, j1, k0, k1] = box;
  const [nx, ny] = m.grid.size;
  const les = m.kinetics;
  const cLes = R1_RELAXIVITY * les.concentration[k];
  const r10les = 1 / les.t10;
  const sNec = G * M0.necrosis * signalOf(T10.necrosis, 0, protocol);
  const amp = m.amplitude;
  const tex = m.nativeTexture;
  let b = 0;
  for (let kk = k0; kk < k1; kk++) {
    for (let jj = j0; jj < j1; jj++) {
      let o = ii0(i0, jj, kk, nx, ny);
      for (let ii = i0; ii < i1; ii++, b++, o++) {
        const f = fraction[b];
        if (f === 0) continue;
        const fn = necrosis[b];
        const e1 = Math.exp(-tr * (r10les + cLes * amp[b]));
        const sLes = (G * M0.lesion * tex[b] * sinA * (1 - e1)) / (1 - cosA * e1);
        const bgS = out[o];
        out[o] = (1 - f) * bgS + ((f - fn) * sLes + fn * sNec) * gain[o];
      }
    }
  }
  return out;
}

function ii0(i: number, j: number, k: number, nx: number, ny: number): number {
  return i + nx * (j + ny * k);
}

/**
 * Rician noise and storage: |S + sigma (n1 + i n2)| rounded and clipped to 0..4095.
 * Normals come from the look-up table, two per 32-bit draw.
 */
export function noisyPhase(m: PatientModel, k: number, signal: Float32Array): Uint16Array {
  const rng = new Prng(m.seed, `patient/${m.row.index}/noise/${k}`);
  const table = normalTable();
  const sigma = m.sigma;
  const out = new Uint16Array(signal.length);
  for (let o = 0; o < signal.length; o++) {
    const r = rng.nextUint32();
    const re = signal[o] + sigma * table[r & 0xffff];
    const im = sigma * table[r >>> 16];
    const v = (Math.sqrt(re * re + im * im) + 0.5) | 0;
    out[o] = v > 4095 ? 4095 : v;
  }
  return out;
}

/** Phase k as stored in the DICOM files. */
export function phaseVolume(m: PatientModel, k: number): Volume<Uint16Array> {
  return { data: noisyPhase(m, k, noiselessPhase(m, k)), size: [...m.grid.size] as Vec3, spacing: [...m.grid.spacing] as Vec3, origin: [...m.grid.origin] as Vec3, direction: [...IDENTITY] };
}

/** Reader 1's mask (viable lesion fraction >= 0.5) or reader 2's, on the full grid. */
export function lesionMask(m: PatientModel, reader: 1 | 2): Volume<Uint8Array> {
  const [nx, ny, nz] = m.grid.size;
  const data = new Uint8Array(nx * ny * nz);
  const { box, fraction, necrosis, fraction2 } = m.raster;
  const f = reader === 2 && fraction2 ? fraction2 : fraction;
  const [i0, i1, j0, j1, k0, k1] = box;
  let b = 0;
  for (let k = k0; k < k1; k++) {
    for (let j = j0; j < j1; j++) {
      for (let i = i0; i < i1; i++, b++) {
        if (f[b] - necrosis[b] >= 0.5) data[i + nx * (j + ny * k)] = 1;
      }
    }
  }
  return { data, size: [...m.grid.size] as Vec3, spacing: [...m.grid.spacing] as Vec3, origin: [...m.grid.origin] as Vec3, direction: [...IDENTITY] };
}
