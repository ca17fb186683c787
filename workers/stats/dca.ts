/**
 * Decision curve analysis (Vickers & Elkin 2006): at a threshold probability pt, the net
 * benefit of treating the patients with p >= pt is TP/n - FP/n * pt / (1 - pt); treating all
 * gives prevalence - (1 - prevalence) pt / (1 - pt), treating none gives 0.
 */

export interface DecisionCurvePoint {
  threshold: number;
  netBenefit: number;
  treatAll: number;
}

/** The thresholds k/100, k = 1..99, as the study's curves and the references use them. */
export function dcaThresholds(): number[] {
  const t: number[] = [];
  for (let k = 1; k <= 99; k++) t.push(k / 100);
  return t;
}

export function decisionCurve(y: ArrayLike<number>, p: ArrayLike<number>, thresholds: readonly number[] = dcaThresholds()): DecisionCurvePoint[] {
  const n = y.length;
  let events = 0;
  for (let i = 0; i < n; i++) events += y[i];
  const prevalence = events / n;
  return thresholds.map((pt) => {
    let tp = 0;
    let fp = 0;
    for (let i = 0; i < n; i++) {
      if (p[i] >= pt) {
        if (y[i] === 1) tp++;
        else fp++;
      }
    }
    const odds = pt / (1 - pt);
    return { threshold: pt, netBenefit: tp / n - (fp / n) * odds, treatAll: prevalence - (1 - prevalence) * odds };
  });
}
