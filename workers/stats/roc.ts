/**
 * ROC analysis as pROC computes it for roc(response, predictor, levels = c(0, 1), direction = "<"):
 * a patient is called positive when predictor >= threshold; thresholds are -Inf, the midpoints
 * between consecutive distinct predictor values, and +Inf (pROC's roc.utils.thresholds);
 * sensitivity = TP / cases, specificity = TN / controls at each threshold; the AUC is the
 * trapezoidal area under (1 - specificity, sensitivity), i.e. P(case > control) + P(tie) / 2.
 */

export interface Roc {
  /** predictor values of the controls (response 0) and the cases (response 1), in input order */
  controls: Float64Array;
  cases: Float64Array;
  /** ascending: -Infinity, midpoints, +Infinity */
  thresholds: Float64Array;
  sensitivities: Float64Array;
  specificities: Float64Array;
  auc: number;
}

export interface RocCoords {
  threshold: number;
  sensitivity: number;
  specificity: number;
  accuracy: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
  ppv: number;
  npv: number;
  /** pROC's "youden" = sensitivity + specificity (J + 1) */
  youden: number;
}

/** pROC's thresholds for direction "<" (roc.utils.thresholds), including its fix of near-ties. */
export function rocThresholds(sortedUnique: Float64Array): Float64Array {
  const m = sortedUnique.length;
  const t = new Float64Array(m + 1);
  for (let k = 0; k <= m; k++) {
    const a = k === 0 ? -Infinity : sortedUnique[k - 1];
    const b = k === m ? Infinity : sortedUnique[k];
    const mid = (a + b) / 2;
    // pROC: when the sum would overflow, halve first
    t[k] = Math.abs(mid) > 1e100 ? a / 2 + b / 2 : mid;
    // a midpoint that rounds onto the lower value is moved up to the upper one (direction "<")
    if (k > 0 && k < m && t[k] === a) t[k] = b;
  }
  return t;
}

function sortedUniqueOf(values: Float64Array): Float64Array {
  const s = Float64Array.from(values).sort();
  let m = 0;
  for (let i = 0; i < s.length; i++) if (i === 0 || s[i] !== s[i - 1]) s[m++] = s[i];
  return s.slice(0, m);
}

/** pROC::roc(response = y, predictor = p, levels = c(0, 1), direction = "<"). */
export function roc(y: ArrayLike<number>, p: ArrayLike<number>): Roc {
  if (y.length !== p.length) throw new Error(`roc: ${y.length} responses but ${p.length} predictions`);
  let n1 = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`roc: response ${i + 1} is ${y[i]}, not 0 or 1`);
    if (!Number.isFinite(p[i])) throw new Error(`roc: prediction ${i + 1} is ${p[i]}`);
    n1 += y[i];
  }
  const n0 = y.length - n1;
  if (n1 === 0 || n0 === 0) throw new Error('roc: both classes are needed');
  const controls = new Float64Array(n0);
  const cases = new Float64Array(n1);
  for (let i = 0, a = 0, b = 0; i < y.length; i++) {
    if (y[i] === 1) cases[b++] = p[i];
    else controls[a++] = p[i];
  }
  const all = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) all[i] = p[i];
  const u = sortedUniqueOf(all);
  const thresholds = rocThresholds(u);
  // counts of cases / controls at or above each distinct value, by merging sorted arrays
  const sc = Float64Array.from(cases).sort();
  const sk = Float64Array.from(controls).sort();
  const m = u.length;
  const sensitivities = new Float64Array(m + 1);
  const specificities = new Float64Array(m + 1);
  let ic = 0;
  let ik = 0;
  for (let k = 0; k <= m; k++) {
    // positives at threshold k: values >= u[k] (none for k = m)
    const cut = k === m ? Infinity : u[k];
    while (ic < n1 && sc[ic] < cut) ic++;
    while (ik < n0 && sk[ik] < cut) ik++;
    const tp = n1 - ic;
    const fp = n0 - ik;
    sensitivities[k] = tp / n1;
    specificities[k] = (n0 - fp) / n0;
  }
  let auc = 0;
  for (let k = 1; k <= m; k++) {
    auc += ((sensitivities[k] + sensitivities[k - 1]) / 2) * (specificities[k] - specificities[k - 1]);
  }
  return { controls, cases, thresholds, sensitivities, specificities, auc };
}

function coordsFromCounts(threshold: number, tp: number, tn: number, n1: number, n0: number): RocCoords {
  const fn = n1 - tp;
  const fp = n0 - tn;
  const sensitivity = tp / n1;
  const specificity = tn / n0;
  return {
    threshold,
    sensitivity,
    specificity,
    accuracy: (tp + tn) / (n1 + n0),
    tp,
    tn,
    fp,
    fn,
    ppv: tp / (tp + fp),
    npv: tn / (tn + fn),
    youden: sensitivity + specificity,
  };
}

/**
 * coords(roc, "best", best.method = "youden"): every threshold maximizing
 * sensitivity + specificity (pROC returns all exact ties), ascending.
 */
export function coordsBest(r: Roc): RocCoords[] {
  const n1 = r.cases.length;
  const n0 = r.controls.length;
  let best = -Infinity;
  for (let k = 0; k < r.thresholds.length; k++) best = Math.max(best, r.sensitivities[k] + r.specificities[k]);
  const out: RocCoords[] = [];
  for (let k = 0; k < r.thresholds.length; k++) {
    if (r.sensitivities[k] + r.specificities[k] === best) {
      out.push(coordsFromCounts(r.thresholds[k], Math.round(r.sensitivities[k] * n1), Math.round(r.specificities[k] * n0), n1, n0));
    }
  }
  return out;
}

/** The Youden-optimal cut-off: the lowest of pROC's tied best thresholds, with the number of ties. */
export function youdenCutoff(r: Roc): RocCoords & { ties: number } {
  const best = coordsBest(r);
  return { ...best[0], ties: best.length };
}

/** coords(roc, x = threshold, input = "threshold"): positive when predictor >= threshold. */
export function coordsAt(r: Roc, threshold: number): RocCoords {
  let tp = 0;
  for (const v of r.cases) if (v >= threshold) tp++;
  let tn = 0;
  for (const v of r.controls) if (v < threshold) tn++;
  return coordsFromCounts(threshold, tp, tn, r.cases.length, r.controls.length);
}
