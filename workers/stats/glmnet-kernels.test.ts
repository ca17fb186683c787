import { afterAll, describe, expect, it } from 'vitest';
import { cvGlmnet, type CvGlmnetResult } from './cv-glmnet.ts';
import { glmnetKernels } from './glmnet-kernels.ts';
import { expectClose, labels, printMaxErrors, referenceA, TOL } from './reference-a.testutil.ts';
import { mulberry32 } from './split.ts';

// The solver's inner loops exist twice (WebAssembly SIMD and JavaScript) and must give the same
// bits: the reference tests (pipeline-steps.test.ts) run the default, WebAssembly; here the
// JavaScript kernels are checked against R too, and the two against each other on every number.
const ref = referenceA();
const E = ref.expected;
const y = labels(ref);

/** every number a CV result holds, in a fixed order */
function allNumbers(cv: CvGlmnetResult): number[] {
  const out: number[] = [...cv.lambda, ...cv.cvm, ...cv.cvsd, cv.indexMin, cv.index1se];
  for (const f of [cv.fit, ...cv.foldFits]) out.push(...f.lambda, ...f.a0, ...f.beta.flatMap((b) => [...b]), ...f.df, ...f.devRatio, f.nulldev, f.npasses);
  for (const r of cv.fitPreval) out.push(...r);
  return out;
}

afterAll(() => printMaxErrors('LASSO with the JavaScript kernels vs reference A'));

describe('glmnet kernels', () => {
  it('dot, axpy and sum agree bit for bit and follow their definitions, for odd and even lengths', () => {
    const rand = mulberry32(11);
    for (const kind of ['wasm', 'js'] as const) {
      const { kernels: K, heap } = glmnetKernels(kind);
      expect(K.kind).toBe(kind);
      for (let n = 0; n <= 9; n++) {
        heap.reset();
        const a = heap.alloc(n);
        const b = heap.alloc(n);
        const av = Array.from({ length: n }, () => rand() - 0.5);
        const bv = Array.from({ length: n }, () => (rand() - 0.5) * 1e3);
        heap.f64.set(av, a / 8);
        heap.f64.set(bv, b / 8);
        // dot: the even and the odd terms summed apart, then added
        let s0 = 0;
        let s1 = 0;
        for (let i = 0; i < n; i++) if (i % 2 === 0) s0 += av[i] * bv[i];
        else s1 += av[i] * bv[i];
        expect(K.dot(a, b, n)).toBe(s0 + s1);
        let s = 0;
        for (let i = 0; i < n; i++) s += av[i];
        expect(K.sum(a, n)).toBe(s);
        K.axpy(a, 0.37, b, n);
        expect(Array.from(heap.f64.subarray(a / 8, a / 8 + n))).toEqual(av.map((v, i) => v - 0.37 * bv[i]));
      }
    }
  });

  it('reference A, primary: the JavaScript kernels reproduce R, and the WebAssembly ones the same bits', () => {
    const e = E.lasso.primary;
    const feats: string[] = E.zscore.features;
    const opts = { standardize: false, thresh: 1e-14, maxit: 1e7, foldid: ref.inputs.foldid_train };
    const js = cvGlmnet(E.zscore.z_train, y.train, { ...opts, kernels: 'js' });
    expectClose('lasso.primary.cvm (js kernels)', js.cvm, e.cvm, TOL.lassoCv);
    expectClose('lasso.primary.cvsd (js kernels)', js.cvsd, e.cvsd, TOL.lassoCv);
    expect([js.indexMin + 1, js.index1se + 1]).toEqual([e.index_min, e.index_1se]);
    expectClose('lasso.primary.path_beta (js kernels)', feats.map((_, j) => js.fit.beta.map((b) => b[j])), e.path_beta, TOL.lassoCoef);
    js.foldFits.forEach((f, i) => expectClose('lasso.primary.fold_beta (js kernels)', feats.map((_, j) => f.beta.map((b) => b[j])), e.fold_fits[i].beta, TOL.lassoCoef));
    expectClose('lasso.primary.fit_preval_link (js kernels)', js.fitPreval, e.fit_preval_link, TOL.lassoCv);
    const wasm = cvGlmnet(E.zscore.z_train, y.train, { ...opts, kernels: 'wasm' });
    expect(allNumbers(wasm)).toEqual(allNumbers(js));
  });

  it('elastic net with penalty factors and standardize, and p > n with more than 32 active columns (the Gram matrix grows): the same bits', () => {
    const rand = mulberry32(7);
    const n = 70;
    const p = 100;
    const x = Array.from({ length: n }, () => Array.from({ length: p }, () => rand() * 2 - 1 + (rand() < 0.1 ? 3 : 0)));
    const yy = x.map((r) => (r.slice(0, 20).reduce((s, v, j) => s + (j % 2 ? v : -v), 0) * 0.3 + rand() > 0.5 ? 1 : 0));
    const foldid = yy.map((_, i) => (i % 5) + 1);
    const cases = [
      { standardize: true, thresh: 1e-12, maxit: 1e6 },
      { standardize: false, thresh: 1e-12, alpha: 0.3, penaltyFactor: x[0].map((_, j) => (j % 7 === 0 ? 0 : 1 + (j % 3))) },
    ];
    for (const opts of cases) {
      const js = cvGlmnet(x, yy, { ...opts, foldid, kernels: 'js' });
      const wasm = cvGlmnet(x, yy, { ...opts, foldid, kernels: 'wasm' });
      expect(Math.max(...js.fit.df)).toBeGreaterThan(32); // past the Gram matrix's first capacity
      expect(allNumbers(wasm)).toEqual(allNumbers(js));
    }
  });
});
