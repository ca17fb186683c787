/**
 * The figures of the training view and the nomogram panel as plotly.js specifications,
 * drawn from MODEL.json as the modelling engine wrote it (no statistic is computed here:
 * curves, CIs, calibration groups, net benefits and nomogram scales are all in the file).
 * Colours follow the study's figures: clinical green, radiomics blue, nomogram red.
 */
import type { Data, Layout } from 'plotly.js-dist-min';
import type { ModelJson, ModelName } from '../../workers/stats/model-json.ts';
import type { TicResult } from '../../workers/dce/tic.ts';

export interface Figure {
  data: Data[];
  layout: Partial<Layout>;
}

export const MODEL_COLORS: Record<ModelName, string> = { clinical: '#2ca02c', radiomics: '#1f77b4', nomogram: '#d62728' };
export const MODEL_TITLES: Record<ModelName, string> = { radiomics: 'Radiomics (rad-score)', clinical: 'Clinical', nomogram: 'Nomogram' };
const ORDER: ModelName[] = ['clinical', 'radiomics', 'nomogram'];
const SPLITS = [
  ['train', 'Training set'],
  ['test', 'Test set'],
] as const;

export const f3 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(3));
export function fp(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '-';
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

const baseLayout = (height: number): Partial<Layout> => ({
  height,
  margin: { l: 52, r: 12, t: 36, b: 44 },
  paper_bgcolor: '#ffffff',
  plot_bgcolor: '#ffffff',
  font: { color: '#222', size: 11 },
  legend: { orientation: 'h', x: 0, y: -0.18, font: { size: 10 } },
});

/** Two stacked panels (training on top, test below) sharing the legend. */
function twoRows(height: number, xTitle: string, yTitle: string, range?: [number, number]): Partial<Layout> {
  return {
    ...baseLayout(height),
    grid: { rows: 2, columns: 1, pattern: 'independent', roworder: 'top to bottom' },
    xaxis: { title: { text: xTitle }, range, zeroline: false },
    yaxis: { title: { text: yTitle }, range, zeroline: false },
    xaxis2: { title: { text: xTitle }, range, zeroline: false },
    yaxis2: { title: { text: yTitle }, range, zeroline: false },
    annotations: SPLITS.map(([, title], r) => ({ text: `<b>${title}</b>`, xref: 'paper', yref: `y${r === 0 ? '' : '2'} domain`, x: 0, y: 1.08, showarrow: false, xanchor: 'left' }) as NonNullable<Layout['annotations']>[number]),
  };
}

const axisRef = (r: number) => (r === 0 ? { xaxis: 'x', yaxis: 'y' } : { xaxis: 'x2', yaxis: 'y2' });

/** ROC curves of the three models, training and test; AUC (95% CI) in the legend; the training cut-off marked. */
export function rocFigure(model: ModelJson): Figure {
  const data: Data[] = [];
  SPLITS.forEach(([split], r) => {
    data.push({ ...axisRef(r), x: [0, 1], y: [0, 1], mode: 'lines', line: { color: '#999', dash: 'dash', width: 1 }, showlegend: false, hoverinfo: 'skip' });
    for (const m of ORDER) {
      const met = model.models[m].metrics[split];
      data.push({
        ...axisRef(r),
        x: met.roc.specificity.map((s) => 1 - s),
        y: met.roc.sensitivity,
        mode: 'lines',
        line: { color: MODEL_COLORS[m], width: 2 },
        name: `${MODEL_TITLES[m]} ${split}: AUC ${f3(met.auc)} (${f3(met.auc_ci[0])}-${f3(met.auc_ci[1])})`,
        legendgroup: m,
      });
      data.push({
        ...axisRef(r),
        x: [1 - met.specificity],
        y: [met.sensitivity],
        mode: 'markers',
        marker: { color: MODEL_COLORS[m], size: 9, symbol: 'x' },
        name: `cut-off ${f3(model.models[m].metrics.train.cutoff)}`,
        legendgroup: m,
        showlegend: false,
        hovertemplate: `${MODEL_TITLES[m]} at the training cut-off ${f3(model.models[m].metrics.train.cutoff)}: sensitivity %{y:.3f}, 1 - specificity %{x:.3f}<extra></extra>`,
      });
    }
  });
  return { data, layout: { ...twoRows(640, '1 - specificity', 'sensitivity', [0, 1]), title: { text: 'ROC curves (x: training Youden cut-off)', font: { size: 12 } } } };
}

/** Calibration: observed vs predicted HER2-low rate per risk decile, the ideal diagonal, Hosmer-Lemeshow p. */
export function calibrationFigure(model: ModelJson, which: ModelName = 'nomogram'): Figure {
  const data: Data[] = [{ x: [0, 1], y: [0, 1], mode: 'lines', line: { color: '#999', dash: 'dash', width: 1 }, name: 'ideal' }];
  const colors = { train: MODEL_COLORS[which], test: '#ff9f1c' };
  for (const [split, title] of SPLITS) {
    const met = model.models[which].metrics[split];
    data.push({
      x: met.calibration.map((c) => c.predicted),
      y: met.calibration.map((c) => c.observed),
      text: met.calibration.map((c) => `n = ${c.n}`),
      mode: 'lines+markers',
      marker: { color: colors[split], size: 8, symbol: split === 'train' ? 'circle' : 'square' },
      line: { color: colors[split], width: 1, dash: 'dot' },
      name: `${title}: Hosmer-Lemeshow p = ${fp(met.hl.p)} (chi2 ${f3(met.hl.statistic)}, df ${met.hl.df})`,
      hovertemplate: 'predicted %{x:.3f}, observed %{y:.3f}, %{text}<extra></extra>',
    });
  }
  return {
    data,
    layout: {
      ...baseLayout(400),
      title: { text: `Calibration of the ${MODEL_TITLES[which].toLowerCase()} (risk deciles)`, font: { size: 12 } },
      xaxis: { title: { text: 'predicted probability of HER2-low' }, range: [0, 1] },
      yaxis: { title: { text: 'observed HER2-low rate' }, range: [0, 1] },
    },
  };
}

/** Decision curves: net benefit of each model, treat-all and treat-none, training and test. */
export function dcaFigure(model: ModelJson): Figure {
  const data: Data[] = [];
  SPLITS.forEach(([split], r) => {
    const any = model.models.nomogram.metrics[split].dca;
    const x = any.map((d) => d.threshold);
    data.push({ ...axisRef(r), x, y: any.map((d) => d.treat_all), mode: 'lines', line: { color: '#777', width: 1 }, name: 'treat all', legendgroup: 'all', showlegend: r === 0 });
    data.push({ ...axisRef(r), x, y: x.map(() => 0), mode: 'lines', line: { color: '#000', width: 1 }, name: 'treat none', legendgroup: 'none', showlegend: r === 0 });
    for (const m of ORDER) {
      const d = model.models[m].metrics[split].dca;
      data.push({ ...axisRef(r), x: d.map((p) => p.threshold), y: d.map((p) => p.net_benefit), mode: 'lines', line: { color: MODEL_COLORS[m], width: 2 }, name: MODEL_TITLES[m], legendgroup: m, showlegend: r === 0 });
    }
  });
  const all = ORDER.flatMap((m) => SPLITS.flatMap(([s]) => model.models[m].metrics[s].dca.map((d) => d.net_benefit)));
  const top = Math.max(0.05, ...all.filter(Number.isFinite)) * 1.1;
  const layout = twoRows(600, 'threshold probability', 'net benefit');
  return {
    data,
    layout: { ...layout, title: { text: 'Decision curves', font: { size: 12 } }, yaxis: { ...layout.yaxis, range: [-0.05, top] }, yaxis2: { ...layout.yaxis2, range: [-0.05, top] } },
  };
}

/** glmnet's cross-validation curve: mean deviance +/- 1 SE against log(lambda), lambda.min and lambda.1se marked. */
export function lassoCvFigure(model: ModelJson): Figure {
  const l = model.lasso;
  const x = l.lambda.map(Math.log);
  const lo = Math.min(...l.cvm.map((m, i) => m - l.cvsd[i]));
  const hi = Math.max(...l.cvm.map((m, i) => m + l.cvsd[i]));
  const vline = (v: number, name: string, dash: 'dash' | 'dot'): Data => ({ x: [Math.log(v), Math.log(v)], y: [lo, hi], mode: 'lines', line: { color: '#555', dash, width: 1 }, name });
  return {
    data: [
      {
        x,
        y: l.cvm,
        error_y: { type: 'data', array: l.cvsd, visible: true, color: '#aaa', thickness: 1, width: 2 },
        mode: 'markers',
        marker: { color: '#d62728', size: 5 },
        name: `${l.nfolds}-fold CV binomial deviance`,
        text: l.nzero.map((n) => `${n} features`),
        hovertemplate: 'log(lambda) %{x:.3f}: deviance %{y:.4f}, %{text}<extra></extra>',
      },
      vline(l.lambda_min, `lambda.min = ${l.lambda_min.toPrecision(4)} (log ${Math.log(l.lambda_min).toFixed(3)})`, 'dash'),
      vline(l.lambda_1se, `lambda.1se = ${l.lambda_1se.toPrecision(4)} (log ${Math.log(l.lambda_1se).toFixed(3)})`, 'dot'),
    ],
    layout: {
      ...baseLayout(360),
      title: { text: `LASSO cross-validation (rule: lambda.${l.lambda_rule})`, font: { size: 12 } },
      xaxis: { title: { text: 'log(lambda)' } },
      yaxis: { title: { text: 'binomial deviance' } },
    },
  };
}

/** Coefficient paths of the LASSO (z-scored features) against log(lambda); the lambda used marked. */
export function lassoPathFigure(model: ModelJson): Figure {
  const l = model.lasso;
  const x = l.lambda.map(Math.log);
  const selected = new Set(model.steps.selected);
  const entries = Object.entries(l.path.beta).filter(([, b]) => b.some((v) => v !== 0));
  let lo = 0;
  let hi = 0;
  const data: Data[] = entries.map(([name, b]) => {
    for (const v of b) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return {
      x,
      y: b,
      mode: 'lines',
      line: { width: selected.has(name) ? 1.6 : 0.7, color: selected.has(name) ? undefined : '#bbb' },
      name,
      showlegend: false,
      hovertemplate: `${name}<br>log(lambda) %{x:.3f}: %{y:.4f}<extra></extra>`,
    };
  });
  data.push({ x: [Math.log(l.lambda_used), Math.log(l.lambda_used)], y: [lo, hi], mode: 'lines', line: { color: '#000', dash: 'dash', width: 1 }, name: `lambda.${l.lambda_rule}`, showlegend: true });
  return {
    data,
    layout: {
      ...baseLayout(360),
      title: { text: `Coefficient paths (${entries.length} features enter; ${selected.size} kept, in colour)`, font: { size: 12 } },
      xaxis: { title: { text: 'log(lambda)' } },
      yaxis: { title: { text: 'coefficient (z-score scale)' } },
    },
  };
}

/** Rad-scores by class in each set (the study's Figure 5). */
export function radscoreViolinFigure(model: ModelJson): Figure {
  const d = model.radscore.distribution;
  const data: Data[] = [];
  for (const [cls, name, color] of [['her2_zero', 'HER2-zero', '#1f77b4'], ['her2_low', 'HER2-low', '#d62728']] as const) {
    const y = [...d.train[cls], ...d.test[cls]];
    const x = [...d.train[cls].map(() => 'Training'), ...d.test[cls].map(() => 'Test')];
    data.push({ type: 'violin', x, y, name, legendgroup: name, line: { color }, box: { visible: true }, meanline: { visible: true }, points: 'all', jitter: 0.3, pointpos: 0, spanmode: 'hard' } as Data);
  }
  const mw = (set: 'train' | 'test') => `${set === 'train' ? 'Training' : 'Test'}: HER2-low n = ${d[set].her2_low.length}, HER2-zero n = ${d[set].her2_zero.length}`;
  return {
    data,
    layout: { ...baseLayout(380), violinmode: 'group', title: { text: `Rad-score by class (${mw('train')}; ${mw('test')})`, font: { size: 11 } }, yaxis: { title: { text: 'rad-score' } } } as Partial<Layout>,
  };
}

/** The patient marked on the nomogram: value of each predictor, its points, total points and probability. */
export interface NomogramPatient {
  values: Record<string, number>;
  points: Record<string, number>;
  totalPoints: number;
  probability: number;
}

const ROMAN = ['0', 'I', 'II', 'III', 'IV'];
export function levelLabel(variable: string, level: number): string {
  if ((variable === 'tic' || variable === 'stage') && Number.isInteger(level) && level >= 0 && level < ROMAN.length) return ROMAN[level];
  if (['er', 'pr', 'aln', 'ki67'].includes(variable) && (level === 0 || level === 1)) {
    if (variable === 'aln') return level ? 'metastatic' : 'none';
    if (variable === 'ki67') return level ? 'high' : 'low';
    return level ? 'positive' : 'negative';
  }
  return String(level);
}

const VARIABLE_TITLES: Record<string, string> = {
  radscore: 'Rad-score',
  tic: 'TIC type',
  er: 'ER',
  pr: 'PR',
  aln: 'ALN',
  ki67: 'Ki-67',
  stage: 'Stage',
  age: 'Age',
  diameter: 'Diameter (mm)',
};

/** pretty-ish tick step for the total-points axis */
function niceStep(max: number): number {
  const raw = max / 8;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
}

/**
 * The nomogram as rms::nomogram draws it: a 0-100 points axis, one axis per predictor whose
 * ticks sit at their points, total points, and the probability axis at the total points that
 * give each probability (MODEL.json's nomogram_scales). The patient's values are marked.
 */
export function nomogramFigure(model: ModelJson, patient?: NomogramPatient | null, labelGap = 2.5): Figure {
  const sc = model.nomogram_scales;
  const maxTotal = sc.total_points.max;
  const totalX = (t: number) => (maxTotal > 0 ? (t / maxTotal) * sc.max_points : 0);
  const rows: { title: string; ticks: { x: number; label: string }[]; factor?: boolean; mark?: number; markLabel?: string }[] = [];
  rows.push({ title: 'Points', ticks: Array.from({ length: 11 }, (_, k) => ({ x: k * 10, label: String(k * 10) })) });
  for (const p of sc.predictors) {
    const title = VARIABLE_TITLES[p.name] ?? p.name;
    if (p.kind === 'continuous') {
      rows.push({
        title,
        ticks: p.axis.map((a) => ({ x: a.points, label: String(a.value) })),
        mark: patient ? patient.points[p.name] : undefined,
        markLabel: patient ? `${title} = ${Number(patient.values[p.name].toPrecision(4))}: ${patient.points[p.name].toFixed(1)} points` : undefined,
      });
    } else {
      rows.push({
        title,
        ticks: p.levels.map((l) => ({ x: l.points, label: levelLabel(p.name, l.level) })),
        factor: true,
        mark: patient ? patient.points[p.name] : undefined,
        markLabel: patient ? `${title} = ${levelLabel(p.name, patient.values[p.name])}: ${patient.points[p.name].toFixed(1)} points` : undefined,
      });
    }
  }
  const step = niceStep(maxTotal);
  const totalTicks = [];
  for (let t = 0; t <= maxTotal + 1e-9; t += step) totalTicks.push({ x: totalX(t), label: String(Number(t.toPrecision(6))) });
  rows.push({ title: 'Total points', ticks: totalTicks, mark: patient ? totalX(patient.totalPoints) : undefined, markLabel: patient ? `total ${patient.totalPoints.toFixed(1)} points` : undefined });
  rows.push({
    title: 'Probability of HER2-low',
    ticks: sc.probability_ticks.map((t) => ({ x: totalX(t.total_points), label: String(t.probability) })),
    mark: patient ? totalX(patient.totalPoints) : undefined,
    markLabel: patient ? `probability ${patient.probability.toFixed(3)}` : undefined,
  });

  const data: Data[] = [];
  const n = rows.length;
  const yOf = (r: number) => n - 1 - r;
  let xmin = 0;
  let xmax = sc.max_points;
  rows.forEach((row, r) => {
    const y = yOf(r);
    const xs = row.ticks.map((t) => t.x);
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    // labels need room (labelGap points per 2.5 characters): on a numeric axis a label too
    // close to the previous one is left out (its tick stays); a factor keeps every level's
    // label, below the axis when the previous one is too close
    const room = (label: string) => labelGap * Math.max(1, label.length / 2.5);
    let last = -Infinity;
    let lastLabel = '';
    const below: boolean[] = [];
    const labels = row.ticks.map((t) => {
      const close = Math.abs(t.x - last) < Math.max(room(t.label), room(lastLabel));
      below.push(!!row.factor && close && !below[below.length - 1]);
      if (close && !row.factor) return '';
      last = t.x;
      lastLabel = t.label;
      return t.label;
    });
    data.push({ x: [lo, hi], y: [y, y], mode: 'lines', line: { color: '#333', width: 1.2 }, showlegend: false, hoverinfo: 'skip' });
    data.push({
      x: xs,
      y: xs.map(() => y),
      text: labels,
      mode: 'text+markers',
      marker: { symbol: 'line-ns-open', size: 8, color: '#333', line: { width: 1.2 } },
      textposition: below.map((b) => (b ? 'bottom center' : 'top center')),
      textfont: { size: 10, color: '#222' },
      showlegend: false,
      hoverinfo: 'skip',
    });
    if (row.mark !== undefined && Number.isFinite(row.mark)) {
      xmin = Math.min(xmin, row.mark);
      xmax = Math.max(xmax, row.mark);
      data.push({
        x: [row.mark],
        y: [y],
        mode: 'markers',
        marker: { symbol: 'triangle-down', size: 12, color: '#d62728' },
        name: row.markLabel,
        showlegend: false,
        hovertemplate: `${row.markLabel}<extra></extra>`,
      });
      // the predictor's points read on the points axis
      if (r > 0 && r < n - 2) data.push({ x: [row.mark, row.mark], y: [y, yOf(0)], mode: 'lines', line: { color: '#d62728', dash: 'dot', width: 1 }, showlegend: false, hoverinfo: 'skip' });
    }
  });
  if (patient) {
    const tx = totalX(patient.totalPoints);
    data.push({ x: [tx, tx], y: [yOf(n - 2), yOf(n - 1)], mode: 'lines', line: { color: '#d62728', dash: 'dot', width: 1 }, showlegend: false, hoverinfo: 'skip' });
  }
  const annotations = rows.map((row, r) => ({ text: row.title, xref: 'paper', x: 0, xanchor: 'right', y: yOf(r), yref: 'y', showarrow: false, font: { size: 11 } }) as NonNullable<Layout['annotations']>[number]);
  return {
    data,
    layout: {
      ...baseLayout(70 + 46 * n),
      margin: { l: 132, r: 16, t: 30, b: 10 },
      title: { text: `Nomogram: ${model.models.nomogram.formula}${patient ? ' (this patient in red)' : ''}`, font: { size: 12 } },
      xaxis: { visible: false, range: [xmin - 4, xmax + 4] },
      yaxis: { visible: false, range: [-0.6, n - 0.3] },
      annotations,
      showlegend: false,
    },
  };
}

/** The lesion's time-intensity curve, for the patient report. */
export function ticFigure(tic: TicResult): Figure {
  const curve = tic.typedCurve === 'hotSpot' && tic.hotSpot ? tic.hotSpot : tic.roi;
  const x = tic.times ?? curve.signal.map((_, k) => k);
  return {
    data: [{ x, y: curve.enhancement, mode: 'lines+markers', line: { color: '#d62728' }, name: 'relative enhancement' }],
    layout: {
      ...baseLayout(240),
      title: { text: `TIC type ${ROMAN[tic.type]} (${tic.typeName}), change ${(tic.change * 100).toFixed(1)} %`, font: { size: 12 } },
      xaxis: { title: { text: tic.times ? 'seconds from contrast' : 'phase' } },
      yaxis: { title: { text: 'enhancement %' } },
      showlegend: false,
    },
  };
}
