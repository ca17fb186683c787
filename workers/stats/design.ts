/**
 * Design matrices of the logistic models, as R's model.matrix builds them with the default
 * treatment contrasts: a numeric variable is one column named after it; a factor with levels
 * l1 < l2 < ... is one indicator column per level after the first (the reference), named
 * variable + level ("tic2", "tic3" for tic = 1/2/3).
 */

export interface VariableSpec {
  name: string;
  kind: 'numeric' | 'factor';
  /** factor levels, reference first (sorted ascending, as factor() sorts numbers) */
  levels?: number[];
}

export interface DesignTerm {
  /** R's column name */
  name: string;
  variable: string;
  /** the level a factor indicator stands for; null for a numeric variable */
  level: number | null;
}

export class DesignError extends Error {}

/** The columns a set of variables expands to. */
export function designTerms(vars: readonly VariableSpec[]): DesignTerm[] {
  const terms: DesignTerm[] = [];
  for (const v of vars) {
    if (v.kind === 'numeric') terms.push({ name: v.name, variable: v.name, level: null });
    else for (const l of (v.levels ?? []).slice(1)) terms.push({ name: `${v.name}${l}`, variable: v.name, level: l });
  }
  return terms;
}

/**
 * One row of the design (without the intercept). `value(variable)` gives the patient's value;
 * a missing value (undefined/NaN) or an unknown factor level is an error naming them.
 */
export function designRow(vars: readonly VariableSpec[], value: (variable: string) => number | undefined, who: string): Float64Array {
  const out: number[] = [];
  for (const v of vars) {
    const x = value(v.name);
    if (x === undefined || Number.isNaN(x)) throw new DesignError(`${who}: no value for '${v.name}'`);
    if (v.kind === 'numeric') out.push(x);
    else {
      const levels = v.levels ?? [];
      if (!levels.includes(x)) throw new DesignError(`${who}: '${v.name}' = ${x} is not one of the levels seen in training (${levels.join(', ')})`);
      for (const l of levels.slice(1)) out.push(x === l ? 1 : 0);
    }
  }
  return Float64Array.from(out);
}

/** Columns (one Float64Array per design term) for many patients. */
export function designColumns(rows: readonly Float64Array[], nTerms: number): Float64Array[] {
  const cols: Float64Array[] = [];
  for (let j = 0; j < nTerms; j++) cols.push(Float64Array.from(rows, (r) => r[j]));
  return cols;
}
