/**
 * Seeded, stratified random assignments: the train/test split and the cross-validation folds
 * when the user gives none. The generator is mulberry32 (a 32-bit state, public-domain
 * generator by T. Ettinger): deterministic for a seed on every platform, so the CLI and the
 * browser draw the same patients. It is not R's generator: R's set.seed() draws differ.
 */

/** Uniform [0, 1) numbers from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * Stratified split: within each class (HER2-low first, then HER2-zero), a random
 * round(n_class * testFraction) patients go to the test set. Returns true for a test patient.
 */
export function stratifiedSplit(y: readonly number[], testFraction: number, seed: number): boolean[] {
  const rand = mulberry32(seed);
  const isTest = new Array<boolean>(y.length).fill(false);
  for (const cls of [1, 0]) {
    const members = y.map((v, i) => (v === cls ? i : -1)).filter((i) => i >= 0);
    const nTest = Math.round(members.length * testFraction);
    for (const i of shuffled(members, rand).slice(0, nTest)) isTest[i] = true;
  }
  return isTest;
}

/**
 * Stratified fold ids 1..k: each class (HER2-low first) is shuffled and dealt to the folds in
 * turn, the second class continuing where the first stopped, so folds differ in size by at
 * most one and every fold gets its share of each class (as the reference's foldid_train).
 */
export function stratifiedFolds(y: readonly number[], k: number, seed: number): number[] {
  const rand = mulberry32(seed ^ 0x9e3779b9);
  const fold = new Array<number>(y.length).fill(0);
  let next = 0;
  for (const cls of [1, 0]) {
    const members = y.map((v, i) => (v === cls ? i : -1)).filter((i) => i >= 0);
    for (const i of shuffled(members, rand)) {
      fold[i] = (next % k) + 1;
      next++;
    }
  }
  return fold;
}
