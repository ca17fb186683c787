/**
 * From instance headers to the series list: one item per static series (or per kind of frame
 * of an enhanced instance, e.g. magnitude and field map), and one 'dce' item per dynamic
 * study, in either layout:
 *  - phases inside one series: told apart by TemporalPositionIdentifier, else
 *    TemporalPositionIndex (enhanced), else AcquisitionNumber when it varies, else by
 *    grouping the slices by position and ordering each position's images by
 *    AcquisitionTime, then TriggerTime (GE multiphase: TriggerTime is unique per file);
 *  - one series per phase: MR series of one study with the same frame of reference, grid
 *    (rows, columns, orientation, pixel spacing, slice positions) and acquisition (TR, TE,
 *    flip angle, scanning sequence, sequence name), not derived (SUB, MIP...), ordered by
 *    AcquisitionTime then SeriesNumber.
 * Cornerstone's 4D splitter is not used: it silently gives up on most of these layouts.
 * Every phase's slices are checked (missing slice, uneven spacing, duplicate positions).
 */
import type { Geometry, Mat3, Vec3 } from '../volume.ts';
import { sameGeometry } from '../volume.ts';
import type { AnnotationInfo, FrameInfo, ImportIssue, PhaseInfo, SeriesItem } from './types.ts';
import { normalOf, type ImageFrame, type InstanceHeader } from './header.ts';

/** Positions closer than this along the normal (mm) are the same slice position. */
const SAME_POSITION_MM = 0.05;
/** Orientation cosines closer than this are the same orientation. */
const SAME_ORIENTATION = 1e-3;
/** Series of fewer slices are not merged as the phases of a dynamic study. */
const MIN_SLICES_PER_PHASE_SERIES = 3;
/** A spacing is uneven when a gap differs from the median by more than this fraction. */
const SPACING_TOLERANCE = 0.01;

interface FrameRef {
  frame: ImageFrame;
  header: InstanceHeader;
}

export function seriesLabel(h: { seriesNumber: number; seriesDescription: string; seriesInstanceUID: string }): string {
  const desc = h.seriesDescription ? ` '${h.seriesDescription}'` : '';
  return `series ${h.seriesNumber}${desc} (${h.seriesInstanceUID || 'no SeriesInstanceUID'})`;
}

function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function sameOrientation(a: FrameInfo['orientation'], b: FrameInfo['orientation']): boolean {
  for (let i = 0; i < 6; i++) if (Math.abs(a[i] - b[i]) > SAME_ORIENTATION) return false;
  return true;
}

function fmt(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** Split a list by a key, keeping first-seen order. */
function bucket<T>(list: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of list) {
    const k = key(t);
    const arr = m.get(k);
    if (arr) arr.push(t);
    else m.set(k, [t]);
  }
  return m;
}

/** Cluster positions along the normal: returns, per frame, the index of its slice position (0 = lowest). */
function positionClusters(ds: number[]): { clusterOf: number[]; count: number } {
  const order = ds.map((_, i) => i).sort((a, b) => ds[a] - ds[b]);
  const clusterOf = new Array<number>(ds.length);
  let c = -1;
  let last = -Infinity;
  for (const i of order) {
    if (ds[i] - last > SAME_POSITION_MM) c++;
    // compare with the cluster's first member, so a chain of near-equal values does not merge far ones
    if (ds[i] - last > SAME_POSITION_MM) last = ds[i];
    clusterOf[i] = c;
  }
  return { clusterOf, count: c + 1 };
}

interface PhaseSplit {
  source: string;
  /** frames of each phase, in phase order */
  phases: FrameRef[][];
}

/** Tell phases apart inside one series (see the module comment for the order of keys). */
function splitPhases(refs: FrameRef[], normal: Vec3): PhaseSplit {
  const ds = refs.map((r) => dot(r.frame.position, normal));
  const { clusterOf, count } = positionClusters(ds);
  if (count === refs.length) return { source: 'single', phases: [refs] };

  const keys: [string, (f: ImageFrame) => number | undefined][] = [
    ['TemporalPositionIdentifier', (f) => f.temporalPositionIdentifier],
    ['TemporalPositionIndex', (f) => f.temporalPositionIndex],
    ['AcquisitionNumber', (f) => f.acquisitionNumber],
  ];
  for (const [name, get] of keys) {
    const values = refs.map((r) => get(r.frame));
    if (values.some((v) => v === undefined)) continue;
    const distinct = [...new Set(values as number[])].sort((a, b) => a - b);
    if (distinct.length < 2) continue;
    const groups = distinct.map(() => [] as FrameRef[]);
    const seen = distinct.map(() => new Set<number>());
    let valid = true;
    refs.forEach((r, i) => {
      const g = distinct.indexOf(values[i] as number);
      if (seen[g].has(clusterOf[i])) valid = false;
      seen[g].add(clusterOf[i]);
      groups[g].push(r);
    });
    if (valid) return { source: name, phases: groups };
  }

  // Group by position; order each position's images by AcquisitionTime, then TriggerTime, then InstanceNumber.
  const perPosition: number[][] = Array.from({ length: count }, () => []);
  clusterOf.forEach((c, i) => perPosition[c].push(i));
  const t = (x: number | undefined) => (x === undefined ? Infinity : x);
  let nPhases = 0;
  for (const list of perPosition) {
    list.sort((a, b) => {
      const fa = refs[a].frame;
      const fb = refs[b].frame;
      return (
        t(fa.acquisitionTime) - t(fb.acquisitionTime) ||
        t(fa.triggerTime) - t(fb.triggerTime) ||
        t(fa.instanceNumber) - t(fb.instanceNumber) ||
        fa.frameIndex - fb.frameIndex
      );
    });
    nPhases = Math.max(nPhases, list.length);
  }
  // Phases only when every position has the same number of images; otherwise these are
  // duplicates of some positions, which buildPhase reports.
  if (perPosition.some((list) => list.length !== nPhases)) return { source: 'single', phases: [refs] };
  const phases: FrameRef[][] = Array.from({ length: nPhases }, () => []);
  for (const list of perPosition) list.forEach((i, rank) => phases[rank].push(refs[i]));
  return { source: 'AcquisitionTime', phases };
}

interface BuiltPhase {
  info: PhaseInfo;
  /** positions along the normal, sorted */
  ds: number[];
}

/** Sort a phase's frames along the normal, check the spacing, and compute its grid. */
function buildPhase(refs: FrameRef[], label: string, warnings: string[], name: string): BuiltPhase {
  const first = refs[0].frame;
  const o = first.orientation;
  const normal = normalOf(o);
  const sorted = refs
    .map((r) => ({ r, d: dot(r.frame.position, normal) }))
    .sort((a, b) => a.d - b.d || a.r.frame.frameIndex - b.r.frame.frameIndex);
  const ds = sorted.map((s) => s.d);
  const frames = sorted.map((s) => s.r.frame);
  const rows = refs[0].header.pixel!.rows;
  const columns = refs[0].header.pixel!.columns;
  const n = frames.length;

  let sliceSpacing: number;
  if (n >= 2) {
    // Like ITK's ImageSeriesReader: the spacing is the distance from the first to the last slice over n - 1.
    sliceSpacing = (ds[n - 1] - ds[0]) / (n - 1);
    const gaps = ds.slice(1).map((d, i) => d - ds[i]);
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
    gaps.forEach((g, i) => {
      const a = frames[i];
      const b = frames[i + 1];
      const where = `between ${fmt(ds[i])} and ${fmt(ds[i + 1])} mm along the normal (${a.source}, ${b.source})`;
      if (g < SAME_POSITION_MM) {
        warnings.push(`${name}${label}: duplicate slice position ${where}`);
      } else if (median > SAME_POSITION_MM && g > median * 1.5) {
        const missing = Math.round(g / median) - 1;
        warnings.push(
          `${name}${label}: missing slice${missing > 1 ? 's' : ''}: a gap of ${fmt(g)} mm ${where}, where the spacing is ${fmt(median)} mm (about ${missing} slice${missing > 1 ? 's' : ''} missing)`,
        );
      } else if (median > SAME_POSITION_MM && Math.abs(g - median) > SPACING_TOLERANCE * median) {
        warnings.push(`${name}${label}: uneven slice spacing: ${fmt(g)} mm ${where}, median ${fmt(median)} mm`);
      }
    });
    // Slices must stack along the normal (no gantry tilt / shear).
    const p0 = frames[0].position;
    const pn = frames[n - 1].position;
    const along = ds[n - 1] - ds[0];
    const offAxis = Math.hypot(pn[0] - p0[0] - normal[0] * along, pn[1] - p0[1] - normal[1] * along, pn[2] - p0[2] - normal[2] * along);
    if (offAxis > 0.01 * Math.max(1, Math.abs(along))) {
      warnings.push(`${name}${label}: the slices are not stacked along the slice normal (tilted or sheared acquisition; ${fmt(offAxis)} mm off axis)`);
    }
  } else {
    sliceSpacing = first.spacingBetweenSlices ?? first.sliceThickness ?? 1;
  }
  if (!(sliceSpacing > 0)) sliceSpacing = first.spacingBetweenSlices ?? first.sliceThickness ?? 1;

  // Direction columns: row cosine (index i, along a row = x), column cosine (index j), normal (k).
  const direction: Mat3 = [o[0], o[3], normal[0], o[1], o[4], normal[1], o[2], o[5], normal[2]];
  const geometry: Geometry = {
    size: [columns, rows, n],
    // PixelSpacing is [between rows (along a column), between columns (along a row)].
    spacing: [first.pixelSpacing[1], first.pixelSpacing[0], sliceSpacing],
    origin: [...frames[0].position] as Vec3,
    direction,
  };
  const times = frames.map((f) => f.acquisitionTime).filter((x): x is number => x !== undefined);
  return {
    info: { index: 0, label: '', time: times.length ? Math.min(...times) : undefined, frames, geometry },
    ds,
  };
}

function phaseLabel(index: number, count: number): string {
  if (count === 1) return 'single phase';
  return index === 0 ? 'phase 0 (pre-contrast)' : `phase ${index} (post-contrast ${index})`;
}

const DERIVED_TYPES = new Set(['SUB', 'SUBTRACTION', 'MIP', 'MINIP', 'MNIP', 'MPR', 'PROJECTION IMAGE', 'REFORMATTED', 'CPR']);

/** Subtractions, projections and reformats (by their ImageType values) are never phases. */
function isDerived(h: InstanceHeader): boolean {
  return h.imageType.some((t) => DERIVED_TYPES.has(t));
}

interface Built {
  item: SeriesItem;
  header: InstanceHeader;
  /** positions of phase 0 along the normal (for comparing series) */
  ds: number[];
  derived: boolean;
  mixed: boolean;
}

/** One item from the frames of one series (one kind, one orientation). */
function buildItem(refs: FrameRef[], id: string, extraWarnings: string[]): Built {
  const header = refs[0].header;
  const px = header.pixel!;
  const name = seriesLabel(header);
  const warnings = [...extraWarnings];
  const normal = normalOf(refs[0].frame.orientation);
  const split = splitPhases(refs, normal);
  const phases = split.phases.map((p, i) => buildPhase(p, split.phases.length > 1 ? `, phase ${i}` : '', warnings, name));
  phases.forEach((p, i) => {
    p.info.index = i;
    p.info.label = phaseLabel(i, phases.length);
  });
  timeFromTriggerTime(phases.map((p) => p.info));
  if (phases.length > 1) {
    const g0 = phases[0].info.geometry;
    phases.forEach((p, i) => {
      if (i === 0) return;
      const g = p.info.geometry;
      if (g.size[2] !== g0.size[2]) {
        warnings.push(`${name}: phase ${i} has ${g.size[2]} slices, phase 0 has ${g0.size[2]}: the phases are not on one grid (missing slices?)`);
      } else if (!sameGeometry(g, g0, 0.01)) {
        warnings.push(`${name}: phase ${i} has a different geometry from phase 0 (origin/spacing/orientation): the phases are not on one grid`);
      }
    });
  }
  if (refs.some((r) => r.frame.geometryMissing)) {
    warnings.push(`${name}: no ImagePositionPatient/ImageOrientationPatient: axial slices at the origin assumed`);
  }
  const radiomicsUsable = px.samplesPerPixel === 1;
  if (!radiomicsUsable) {
    warnings.push(
      `${name}: colour images (${px.photometricInterpretation}, ${px.samplesPerPixel} samples per pixel) are not supported for radiomics; they are loaded as luminance for display only`,
    );
  }
  const kinds = new Set(refs.map((r) => r.frame.frameType).filter(Boolean));
  const item: SeriesItem = {
    id,
    kind: phases.length > 1 ? 'dce' : 'static',
    patientName: header.patientName,
    patientId: header.patientId,
    studyInstanceUID: header.studyInstanceUID,
    studyDate: header.studyDate,
    studyDescription: header.studyDescription,
    seriesInstanceUIDs: [header.seriesInstanceUID],
    seriesNumber: header.seriesNumber,
    seriesDescription: header.seriesDescription,
    modality: header.modality,
    manufacturer: header.manufacturer,
    rows: px.rows,
    columns: px.columns,
    slices: Math.max(...phases.map((p) => p.info.frames.length)),
    phases: phases.map((p) => p.info),
    contrastBolusStartTime: header.contrastBolusStartTime,
    annotations: [],
    warnings,
    frameOfReferenceUID: header.frameOfReferenceUID,
    photometricInterpretation: px.photometricInterpretation,
    transferSyntaxUIDs: [...new Set(refs.map((r) => r.header.transferSyntaxUID))],
    phaseSource: split.source,
    frameType: kinds.size === 1 ? [...kinds][0] : undefined,
    radiomicsUsable,
  };
  return { item, header, ds: phases[0].ds, derived: isDerived(header), mixed: false };
}

/**
 * GE multiphase files carry one AcquisitionTime for all phases and the phase offset in
 * TriggerTime (ms). When every phase has the same time, add the phase's smallest TriggerTime.
 */
function timeFromTriggerTime(phases: PhaseInfo[]): void {
  if (phases.length < 2) return;
  const t0 = phases[0].time;
  if (t0 === undefined || phases.some((p) => p.time !== t0)) return;
  const triggers = phases.map((p) => Math.min(...p.frames.map((f) => f.triggerTime ?? Infinity)));
  if (triggers.some((x) => !Number.isFinite(x)) || new Set(triggers).size < phases.length) return;
  phases.forEach((p, i) => (p.time = t0 + triggers[i] / 1000));
}

function round(x: number | undefined, step: number): string {
  return x === undefined ? '-' : String(Math.round(x / step));
}

/** The acquisition and grid of a series without its slice positions: series that share it may be phases. */
function acquisitionKey(b: Built): string | undefined {
  const h = b.header;
  const a = h.acquisition;
  // Volumes only: single images (localisers, repeated single slices) are never merged into phases.
  if (h.modality !== 'MR' || b.derived || b.mixed || b.item.slices < MIN_SLICES_PER_PHASE_SERIES) return undefined;
  if (a.repetitionTime === undefined && a.echoTime === undefined && a.flipAngle === undefined) return undefined;
  const f = b.item.phases[0].frames[0];
  return [
    h.studyInstanceUID,
    h.frameOfReferenceUID,
    b.item.rows,
    b.item.columns,
    b.item.frameType ?? '',
    f.orientation.map((v) => round(v, SAME_ORIENTATION)).join(','),
    f.pixelSpacing.map((v) => round(v, 1e-3)).join(','),
    round(a.repetitionTime, 1e-3),
    round(a.echoTime, 1e-3),
    round(a.flipAngle, 1e-3),
    a.scanningSequence ?? '',
    a.sequenceName ?? '',
  ].join('|');
}

function positionsKey(b: Built): string {
  return b.ds.map((d) => round(d, 0.1)).join(',');
}

/** Merge series that are the phases of one dynamic study (one series per phase) into one 'dce' item. */
function mergeSeriesPerPhase(built: Built[]): SeriesItem[] {
  const byAcq = bucket(
    built.map((b, i) => ({ b, i, key: acquisitionKey(b) })),
    (x) => x.key ?? `single:${x.i}`,
  );
  const replaced = new Map<number, SeriesItem | null>();
  for (const [key, members] of byAcq) {
    if (key.startsWith('single:') || members.length < 2) continue;
    const byGrid = [...bucket(members, (m) => positionsKey(m.b)).values()].sort((x, y) => y.length - x.length);
    const main = byGrid[0];
    if (main.length < 2) continue;
    // Order: AcquisitionTime (of the series' first phase), then SeriesNumber.
    const phasesInOrder = main
      .flatMap((m) => m.b.item.phases.map((p, k) => ({ p, m, k })))
      .sort((x, y) => {
        const tx = x.p.time ?? Infinity;
        const ty = y.p.time ?? Infinity;
        if (tx !== ty) return tx - ty;
        return x.m.b.header.seriesNumber - y.m.b.header.seriesNumber || x.k - y.k;
      });
    const first = phasesInOrder[0].m.b;
    const warnings = main.flatMap((m) => m.b.item.warnings);
    const g0 = phasesInOrder[0].p.geometry;
    phasesInOrder.forEach(({ p, m }, i) => {
      if (i > 0 && !sameGeometry(p.geometry, g0, 0.01)) {
        warnings.push(`${seriesLabel(m.b.header)}: phase ${i} is not on the grid of phase 0 (origin/spacing differ)`);
      }
    });
    for (const rest of byGrid.slice(1)) {
      for (const m of rest) {
        const msg = `${seriesLabel(m.b.header)} has the acquisition of the dynamic study ${seriesLabel(first.header)} but a different geometry (${m.b.item.slices} slices at other positions, ${first.item.slices} expected): not included as a phase`;
        warnings.push(msg);
        m.b.item.warnings.push(msg);
      }
    }
    const phases: PhaseInfo[] = phasesInOrder.map(({ p }, i) => ({
      ...p,
      index: i,
      label: phaseLabel(i, phasesInOrder.length),
    }));
    const seriesUids = [...new Set(phasesInOrder.map((x) => x.m.b.header.seriesInstanceUID))];
    const merged: SeriesItem = {
      ...first.item,
      id: `dce:${first.item.id}`,
      kind: 'dce',
      seriesInstanceUIDs: seriesUids,
      slices: Math.max(...phases.map((p) => p.frames.length)),
      phases,
      contrastBolusStartTime: main.map((m) => m.b.item.contrastBolusStartTime).find((t) => t !== undefined),
      annotations: [],
      warnings,
      transferSyntaxUIDs: [...new Set(main.flatMap((m) => m.b.item.transferSyntaxUIDs ?? []))],
      phaseSource: 'series',
    };
    main.forEach((m, j) => replaced.set(m.i, j === 0 ? merged : null));
  }
  const out: SeriesItem[] = [];
  built.forEach((b, i) => {
    const r = replaced.get(i);
    if (r === undefined) out.push(b.item);
    else if (r) out.push(r);
  });
  return out;
}

/** Group image instances into series items (annotations are attached by the caller). */
export function groupIntoSeries(headers: InstanceHeader[]): SeriesItem[] {
  const refs: FrameRef[] = [];
  for (const header of headers) {
    if (!header.pixel) continue;
    for (const frame of header.frames) refs.push({ frame, header });
  }
  // One bucket per series, kind of frame, and image size.
  const bySeries = bucket(refs, (r) => {
    const h = r.header;
    return `${h.seriesInstanceUID || `file:${h.source}`}|${r.frame.kind}|${h.pixel!.rows}x${h.pixel!.columns}`;
  });
  const sizesPerSeries = bucket([...bySeries.keys()], (k) => k.split('|').slice(0, 2).join('|'));
  const kindsPerSeries = bucket([...bySeries.keys()], (k) => k.split('|')[0]);
  const built: Built[] = [];
  for (const [key, list] of bySeries) {
    const [uid, kind, size] = key.split('|');
    const h = list[0].header;
    const name = seriesLabel(h);
    const extra: string[] = [];
    let id = uid;
    if ((kindsPerSeries.get(uid)?.length ?? 1) > 1) id += `#${kind || 'image'}`;
    if ((sizesPerSeries.get(`${uid}|${kind}`)?.length ?? 1) > 1) {
      id += `#${size}`;
      extra.push(`${name}: images of different sizes in one series; the ${size} images are a separate item`);
    }
    // Mixed orientation: one item per orientation, each with a warning.
    const byOrientation: FrameRef[][] = [];
    for (const r of list) {
      const g = byOrientation.find((x) => sameOrientation(x[0].frame.orientation, r.frame.orientation));
      if (g) g.push(r);
      else byOrientation.push([r]);
    }
    if (byOrientation.length === 1) {
      built.push(buildItem(list, id, extra));
      continue;
    }
    byOrientation.forEach((g, i) => {
      const o = g[0].frame.orientation.map((v) => fmt(v)).join('\\');
      const msg = `${name}: mixed orientation: ${byOrientation.length} different ImageOrientationPatient values in one series; the ${g.length} image(s) with orientation ${o} are item ${i + 1} of ${byOrientation.length}`;
      const b = buildItem(g, `${id}#orientation${i + 1}`, [...extra, msg]);
      b.mixed = true;
      built.push(b);
    });
  }
  return mergeSeriesPerPhase(built);
}

/** Attach RTSTRUCT / SEG annotations to the series they reference; the rest become issues. */
export function attachAnnotations(series: SeriesItem[], annotations: AnnotationInfo[], errors: ImportIssue[]): void {
  for (const a of annotations) {
    const target = series.filter((s) => a.referencedSeriesInstanceUID && s.seriesInstanceUIDs.includes(a.referencedSeriesInstanceUID));
    if (target.length === 0) {
      errors.push({
        file: a.source,
        message: `${a.source}: ${a.kind} '${a.label}' references series ${a.referencedSeriesInstanceUID || '(none given)'}, which is not among the imported images`,
      });
      continue;
    }
    for (const s of target) s.annotations.push(a);
  }
}
