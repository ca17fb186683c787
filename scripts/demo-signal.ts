/**
 * `npx tsx scripts/demo-signal.ts [--seed 42] [--patients 118] [--effect 1.6] [--ktrans-ratio 1.15]`
 *
 * How strong is the demo cohort's class signal (docs/demo.md)? Generates the cohort in
 * memory and prints the AUC (Mann-Whitney, HER2-low vs HER2-zero; all patients and the
 * test split) of a few single measurements on phase 2 inside reader 1's mask:
 *   - latent z: the generator's heterogeneity score (what a perfect texture reader sees);
 *   - fine texture: RMS of the in-plane Laplacian / mean (a crude stand-in for the
 *     wavelet-H texture features the study selected);
 *   - CV: SD / mean (first order);
 *   - enhancement: mean phase 2 / mean phase 0 (the Ktrans multiplier);
 *   - TIC type, as generated (the clinical model's input).
 * A tuning aid, not a test: the study's pipeline (her2 extract + her2 fit) gives the real figures.
 */
import { parseArgs, one } from '../bin/cli-args.ts';
import { planDemoCohort, prepareDemoPatient } from '../workers/demo/index.ts';
import { resolveClassSignal } from '../workers/demo/cohort.ts';
import { phaseVolume } from '../workers/demo/synthesize.ts';

const args = parseArgs(process.argv.slice(2), { values: ['seed', 'patients', 'effect', 'ktrans-ratio'] });
const seed = Number(one(args, 'seed') ?? 42);
const patients = Number(one(args, 'patients') ?? 118);
const signal = resolveClassSignal({
  ...(one(args, 'effect') !== undefined ? { heterogeneityEffect: Number(one(args, 'effect')) } : {}),
  ...(one(args, 'ktrans-ratio') !== undefined ? { ktransRatio: Number(one(args, 'ktrans-ratio')) } : {}),
});
const plan = planDemoCohort({ seed, patients, classSignal: signal });

interface Row {
  label: number;
  test: boolean;
  values: Record<string, number>;
}
const rows: Row[] = [];
for (const r of plan) {
  const p = prepareDemoPatient(seed, r, '128x128x40', signal);
  const v2 = phaseVolume(p.model, 2).data;
  const v0 = phaseVolume(p.model, 0).data;
  const m = p.mask.data;
  const nx = p.model.grid.size[0];
  let s = 0;
  let s2 = 0;
  let pre = 0;
  let c = 0;
  let lap2 = 0;
  let lc = 0;
  for (let i = 0; i < m.length; i++) {
    if (!m[i]) continue;
    s += v2[i];
    s2 += v2[i] * v2[i];
    pre += v0[i];
    c++;
    if (m[i - 1] && m[i + 1] && m[i - nx] && m[i + nx]) {
      const lap = 4 * v2[i] - v2[i - 1] - v2[i + 1] - v2[i - nx] - v2[i + nx];
      lap2 += lap * lap;
      lc++;
    }
  }
  const mean = s / c;
  rows.push({
    label: r.label,
    test: r.split === 'test',
    values: {
      'latent z': p.truth.heterogeneityZ,
      'fine texture': lc ? Math.sqrt(lap2 / lc) / mean : 0,
      CV: Math.sqrt(Math.max(0, s2 / c - mean * mean)) / mean,
      enhancement: mean / (pre / c),
      'TIC type': r.tic,
    },
  });
}

function auc(xs: Row[], key: string): number {
  const pos = xs.filter((x) => x.label === 1).map((x) => x.values[key]);
  const neg = xs.filter((x) => x.label === 0).map((x) => x.values[key]);
  let a = 0;
  for (const p of pos) for (const n of neg) a += p > n ? 1 : p === n ? 0.5 : 0;
  return a / (pos.length * neg.length);
}

console.log(`seed ${seed}, ${patients} patients; class signal ${JSON.stringify({ ...signal, tic: undefined })}`);
for (const key of Object.keys(rows[0].values)) {
  console.log(`${key.padEnd(14)} AUC all ${auc(rows, key).toFixed(3)}   test ${auc(rows.filter((r) => r.test), key).toFixed(3)}`);
}
