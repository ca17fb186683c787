/**
 * Test helpers: the R reference fixture ../shared/fixtures/stats/reference-A.json (see its
 * README for every key) and tolerance checks that report the largest error seen per block.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';

export const FIXTURE_DIR = resolve(import.meta.dirname, '../../../shared/fixtures/stats');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

let cached: Json | null = null;
export function referenceA(): Json {
  if (!cached) cached = JSON.parse(readFileSync(resolve(FIXTURE_DIR, 'reference-A.json'), 'utf8'));
  return cached;
}

/** Training labels (her2_low) in train_ids order, and test labels in test_ids order. */
export function labels(ref: Json): { train: number[]; test: number[] } {
  const P = ref.inputs.patients;
  const y = new Map<string, number>(P.id.map((id: string, i: number) => [id, P.her2_low[i]]));
  return { train: ref.inputs.train_ids.map((id: string) => y.get(id)!), test: ref.inputs.test_ids.map((id: string) => y.get(id)!) };
}

/** Largest absolute and relative errors per named block, printed by the tests' afterAll. */
export const maxErrors = new Map<string, { abs: number; rel: number; n: number }>();

function record(block: string, abs: number, rel: number): void {
  const e = maxErrors.get(block) ?? { abs: 0, rel: 0, n: 0 };
  e.abs = Math.max(e.abs, abs);
  e.rel = Math.max(e.rel, rel);
  e.n++;
  maxErrors.set(block, e);
}

export interface Tolerance {
  /** relative tolerance */
  rel?: number;
  /** absolute tolerance (used near zero, or alone) */
  abs?: number;
}

/**
 * Asserts |actual - expected| <= max(rel * |expected|, abs) for every element (numbers or
 * nested arrays; null in the reference must be matched by null/NaN).
 */
export function expectClose(block: string, actual: unknown, expected: unknown, tol: Tolerance, path = ''): void {
  if (Array.isArray(expected) || ArrayBuffer.isView(expected)) {
    const e = expected as ArrayLike<unknown>;
    const a = actual as ArrayLike<unknown>;
    expect(a?.length, `${block}${path}: length`).toBe(e.length);
    for (let i = 0; i < e.length; i++) expectClose(block, a[i], e[i], tol, `${path}[${i}]`);
    return;
  }
  if (expected === null || (typeof expected === 'number' && Number.isNaN(expected))) {
    expect(actual === null || (typeof actual === 'number' && Number.isNaN(actual)), `${block}${path}: expected null/NaN, got ${actual}`).toBe(true);
    return;
  }
  const e = expected as number;
  const a = actual as number;
  expect(typeof a, `${block}${path}: type`).toBe('number');
  if (!Number.isFinite(e)) {
    expect(a, `${block}${path}`).toBe(e);
    return;
  }
  const abs = Math.abs(a - e);
  const rel = e !== 0 ? abs / Math.abs(e) : abs === 0 ? 0 : Infinity;
  record(block, abs, Number.isFinite(rel) ? rel : abs);
  const bound = Math.max((tol.rel ?? 0) * Math.abs(e), tol.abs ?? 0);
  expect(abs <= bound, `${block}${path}: got ${a}, expected ${e} (|diff| ${abs} > ${bound})`).toBe(true);
}

/** README tolerances. */
export const TOL = {
  closedForm: { rel: 1e-9, abs: 1e-12 },
  pValue: { rel: 1e-8 },
  fisher: { rel: 1e-10 },
  glmTight: { rel: 1e-8 },
  calibrationGlm: { rel: 1e-9, abs: 1e-12 },
  lambda: { rel: 1e-12 },
  lassoCoef: { abs: 1e-5 },
  lassoCv: { abs: 1e-5 },
  radscoreEndToEnd: { abs: 1e-5 },
} as const;

export function printMaxErrors(title: string): void {
  const lines = [...maxErrors.entries()].map(([k, v]) => `  ${k.padEnd(44)} max abs ${v.abs.toExponential(2)}  max rel ${v.rel.toExponential(2)}  (${v.n} values)`);
  console.log(`${title}\n${lines.join('\n')}`);
}
