/**
 * z-scores with the training set's parameters: mean and sample SD (n - 1 denominator), as R's
 * scale(X, center = colMeans(Xtrain), scale = apply(Xtrain, 2, sd)); the same parameters are
 * then applied, unchanged, to any other patient.
 */

export interface ZscoreParams {
  center: Float64Array;
  scale: Float64Array;
}

/** Column means and SDs of the rows (each a Float64Array of the p columns). */
export function zscoreFit(rows: readonly ArrayLike<number>[], p: number): ZscoreParams {
  const n = rows.length;
  const center = new Float64Array(p);
  const scale = new Float64Array(p);
  for (const r of rows) for (let j = 0; j < p; j++) center[j] += r[j];
  for (let j = 0; j < p; j++) center[j] /= n;
  for (const r of rows) for (let j = 0; j < p; j++) scale[j] += (r[j] - center[j]) ** 2;
  for (let j = 0; j < p; j++) scale[j] = Math.sqrt(scale[j] / (n - 1));
  return { center, scale };
}

export function zscoreApply(rows: readonly ArrayLike<number>[], params: ZscoreParams): Float64Array[] {
  const p = params.center.length;
  return rows.map((r) => {
    const z = new Float64Array(p);
    for (let j = 0; j < p; j++) z[j] = (r[j] - params.center[j]) / params.scale[j];
    return z;
  });
}
