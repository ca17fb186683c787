/**
 * The figures draw what MODEL.json holds, where it says: checked on the embedded demo model
 * (public/demo/model.json, written by `her2 fit`) and a patient scored by the model worker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pyDict } from '../../workers/radiomics/diagnostics.ts';
import { configurationEntries, parseParams } from '../../workers/radiomics/settings.ts';
import type { ModelJson } from '../../workers/stats/model-json.ts';
import { modelWorkerApi } from '../../workers/stats/model-worker-api.ts';
import { calibrationFigure, dcaFigure, lassoCvFigure, nomogramFigure, rocFigure } from './figures.ts';

const model: ModelJson = modelWorkerApi.read(readFileSync(join(process.cwd(), 'public/demo/model.json'), 'utf8'), 'public/demo/model.json');

type Trace = { x?: number[]; y?: number[]; name?: string; text?: string[]; marker?: { symbol?: string }; mode?: string };
const traces = (f: { data: unknown[] }) => f.data as Trace[];

describe('nomogram figure', () => {
  const sc = model.nomogram_scales;
  // a patient: each feature at its training mean, each factor at its last level
  const clinical: Record<string, number> = {};
  for (const p of sc.predictors) if (p.kind === 'factor') clinical[p.name] = p.levels[p.levels.length - 1].level;
  for (const v of model.models.clinical.variables) if (!(v in clinical)) clinical[v] = model.variables[v]?.levels?.[0] ?? 1;
  const features = Object.fromEntries(Object.keys(model.radscore.coefficients).map((f) => [f, model.radscore.center[f]]));
  // extracted as the app's Features tab does: the study's parameter file, phase 2
  const params = parseParams(readFileSync(join(process.cwd(), 'public/params/her2-dce-paper.yaml'), 'utf8'));
  const extraction = { diagnostics: { settings: pyDict(configurationEntries(params)), imageTypes: pyDict(params.imageTypes.map((t) => [t.name, Object.fromEntries(t.given)])) }, phase: 2 };

  it("puts each axis's ticks at its points and the probability ticks at their total points", () => {
    const f = nomogramFigure(model, null, 0);
    const tickRows = traces(f).filter((t) => t.mode === 'text+markers');
    expect(tickRows.length).toBe(sc.predictors.length + 3);
    expect(tickRows[0].x).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    sc.predictors.forEach((p, k) => {
      const xs = p.kind === 'continuous' ? p.axis.map((a) => a.points) : p.levels.map((l) => l.points);
      expect(tickRows[k + 1].x).toEqual(xs);
    });
    const prob = tickRows[tickRows.length - 1];
    expect(prob.x).toEqual(sc.probability_ticks.map((t) => (t.total_points / sc.total_points.max) * 100));
    expect(prob.text).toEqual(sc.probability_ticks.map((t) => String(t.probability)));
  });

  it("marks the patient at the points the model worker gives", () => {
    const s = modelWorkerApi.score(model, features, clinical, 'test patient', extraction);
    expect(s.warnings).toEqual([]);
    const f = nomogramFigure(model, { values: { ...clinical, radscore: s.radscore }, points: s.points, totalPoints: s.total_points, probability: s.probability_nomogram });
    const marks = traces(f).filter((t) => t.marker?.symbol === 'triangle-down');
    expect(marks.length).toBe(sc.predictors.length + 2);
    sc.predictors.forEach((p, k) => expect(marks[k].x).toEqual([s.points[p.name]]));
    expect(marks[marks.length - 1].x).toEqual([(s.total_points / sc.total_points.max) * 100]);
  });
});

describe('model plots', () => {
  it('ROC: each curve is the MODEL.json curve, AUC and CI in the legend, the training cut-off marked', () => {
    const t = traces(rocFigure(model)).filter((x) => x.name?.includes('AUC'));
    expect(t.length).toBe(6);
    const nom = t.find((x) => x.name!.startsWith('Nomogram train'))!;
    const m = model.models.nomogram.metrics.train;
    expect(nom.y).toEqual(m.roc.sensitivity);
    expect(nom.x).toEqual(m.roc.specificity.map((s) => 1 - s));
    expect(nom.name).toContain(`AUC ${m.auc.toFixed(3)} (${m.auc_ci[0].toFixed(3)}-${m.auc_ci[1].toFixed(3)})`);
  });

  it('calibration: decile points, Hosmer-Lemeshow p in the legend; DCA: net benefit per threshold', () => {
    const cal = traces(calibrationFigure(model));
    const m = model.models.nomogram.metrics.test;
    const test = cal.find((x) => x.name?.startsWith('Test set'))!;
    expect(test.x).toEqual(m.calibration.map((c) => c.predicted));
    expect(test.y).toEqual(m.calibration.map((c) => c.observed));
    expect(test.name).toContain('Hosmer-Lemeshow p =');
    const dca = traces(dcaFigure(model));
    const rad = dca.find((x) => x.name === 'Radiomics (rad-score)')!;
    expect(rad.y).toEqual(model.models.radiomics.metrics.train.dca.map((d) => d.net_benefit));
  });

  it('LASSO CV: lambda.min and lambda.1se marked at their log lambda', () => {
    const t = traces(lassoCvFigure(model));
    expect(t[0].y).toEqual(model.lasso.cvm);
    expect(t[1].x).toEqual([Math.log(model.lasso.lambda_min), Math.log(model.lasso.lambda_min)]);
    expect(t[2].x).toEqual([Math.log(model.lasso.lambda_1se), Math.log(model.lasso.lambda_1se)]);
  });
});
