/**
 * Scoring one patient with a trained MODEL.json: the rad-score (the LASSO linear predictor on
 * the training set's z-scores), the three models' HER2-low probabilities and the nomogram's
 * class at its training (Youden) cut-off. The arithmetic is the one `fit` used, term by term in
 * the same order, so a patient of the training cohort gets exactly the probability `fit` gave.
 * A patient lacking a value the model needs is refused, naming it; so are features extracted
 * with other settings than the model's (checkPatientExtraction).
 */
import { checkExtraction, type PatientExtraction } from './extraction-record.ts';
import type { ModelBlock, ModelJson } from './model-json.ts';
import { MODEL_SCHEMA } from './model-json.ts';
import { plogis } from './special.ts';

export class PredictError extends Error {}

export interface Prediction {
  radscore: number;
  probability_radiomics: number;
  probability_clinical: number;
  probability_nomogram: number;
  /** 1 = HER2-low, 0 = HER2-zero, at the nomogram's training cut-off */
  class_nomogram: 0 | 1;
}

/** A patient's values by name: a record, or a lookup function; undefined or NaN = missing. */
export type Values = Record<string, number | null | undefined> | ((name: string) => number | null | undefined);

const lookup = (v: Values, name: string): number | null | undefined => (typeof v === 'function' ? v(name) : v[name]);

/** Refuses a file that is not a MODEL.json of this schema. */
export function checkModel(model: unknown, source = 'MODEL.json'): ModelJson {
  const m = model as Partial<ModelJson> | null;
  if (!m || typeof m !== 'object') throw new PredictError(`${source}: not a model (expected a JSON object)`);
  if (m.schema !== MODEL_SCHEMA) throw new PredictError(`${source}: schema '${String(m.schema)}' is not ${MODEL_SCHEMA}`);
  for (const k of ['radscore', 'models', 'variables'] as const) if (!m[k]) throw new PredictError(`${source}: no '${k}'`);
  return m as ModelJson;
}

/**
 * Refuses (PredictError naming the setting) a patient whose features were extracted otherwise
 * than the model's (provenance.extraction), or whose features state no settings while the
 * model's do. A model without an extraction record is accepted: the warning returned says so.
 */
export function checkPatientExtraction(model: ModelJson, patient: PatientExtraction | null | undefined, who = 'patient'): string | null {
  return checkExtraction(model.provenance.extraction, patient, who, (m) => new PredictError(m));
}

/** The rad-score of a patient: intercept + sum coef * (x - center) / scale over the selected features. */
export function radscoreOf(model: ModelJson, features: Values, who = 'patient'): number {
  const r = model.radscore;
  let s = r.intercept;
  for (const [name, coef] of Object.entries(r.coefficients)) {
    const x = lookup(features, name);
    if (x === undefined || x === null || !Number.isFinite(x)) throw new PredictError(`${who}: no value for feature '${name}', which the rad-score needs`);
    s += coef * ((x - r.center[name]) / r.scale[name]);
  }
  return s;
}

/** The linear predictor of a logistic model block, from the patient's clinical values and rad-score. */
function linearPredictor(model: ModelJson, block: ModelBlock, label: string, clinical: Values, radscore: number, who: string): number {
  let eta = 0;
  for (const t of block.terms) {
    if (t.variable === null) {
      eta += t.coef;
      continue;
    }
    let x: number;
    if (t.variable === 'radscore') x = radscore;
    else {
      const v = lookup(clinical, t.variable);
      if (v === undefined || v === null || Number.isNaN(v)) throw new PredictError(`${who}: no value for clinical variable '${t.variable}', which the ${label} needs`);
      const enc = model.variables[t.variable];
      if (enc?.kind === 'factor' && !enc.levels!.includes(v)) {
        throw new PredictError(`${who}: '${t.variable}' = ${v} is not one of the levels the model was trained on (${enc.levels!.join(', ')})`);
      }
      x = t.level === null ? v : v === t.level ? 1 : 0;
    }
    eta += t.coef * x;
  }
  return eta;
}

export function predict(model: ModelJson, features: Values, clinical: Values, who = 'patient'): Prediction {
  const radscore = radscoreOf(model, features, who);
  const probability_clinical = plogis(linearPredictor(model, model.models.clinical, 'clinical model', clinical, radscore, who));
  const probability_nomogram = plogis(linearPredictor(model, model.models.nomogram, 'nomogram', clinical, radscore, who));
  return {
    radscore,
    probability_radiomics: plogis(radscore),
    probability_clinical,
    probability_nomogram,
    class_nomogram: probability_nomogram >= model.models.nomogram.metrics.train.cutoff ? 1 : 0,
  };
}
