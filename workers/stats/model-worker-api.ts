/**
 * What the app's model worker (./model.worker.ts) does, DOM-free so Node tests call it
 * directly: train with the study's pipeline (./fit.ts) from the same CSV texts `her2 fit`
 * reads, parsed by the same readers, and write MODEL.json with the same formatting; score a
 * patient with ./predict.ts as `her2 predict` does. The app never computes a statistic
 * itself: it sends text and values here and shows what comes back.
 */
import { parseClinicalCsv } from '../io/clinical-csv.ts';
import { parseFeaturesCsv } from '../io/features-csv.ts';
import { patientExtraction, readExtractionDiagnostics, type DiagnosticsCells } from './extraction-record.ts';
import { fit, type CohortPredictions } from './fit.ts';
import type { ModelJson } from './model-json.ts';
import { nomogramPoints } from './nomogram.ts';
import { checkModel, checkPatientExtraction, predict, type Prediction } from './predict.ts';

export interface FitRequest {
  featuresCsv: string;
  clinicalCsv: string;
  reader2Csv?: string | null;
  /** FIT.yaml settings as an object (null: the study's defaults) */
  config?: Record<string, unknown> | null;
  /** provenance date (ISO 8601); default now */
  date?: string;
  /** file names for messages */
  sources?: { features?: string; clinical?: string; reader2?: string };
  /** the DCE phase the features were extracted from (her2 fit --phase) */
  phase?: number | null;
  /** the patients come from the synthetic demo generator (her2 fit --synthetic) */
  synthetic?: boolean;
}

/** What a patient's features were extracted with: the row's diagnostics cells and, when known, the DCE phase. */
export interface ScoreExtraction {
  diagnostics: DiagnosticsCells | null;
  phase: number | null;
}

export interface FitReply {
  model: ModelJson;
  /** MODEL.json as `her2 fit --out` writes it */
  text: string;
  patients: { train: CohortPredictions; test: CohortPredictions };
}

/** MODEL.json's text, formatted as bin/commands/fit.ts writes it. */
export function modelJsonText(model: ModelJson): string {
  return JSON.stringify(model, null, 1) + '\n';
}

export interface PatientScore extends Prediction {
  /** nomogram total points (rms's scale), from MODEL.json's nomogram_scales */
  total_points: number;
  /** each nomogram predictor's points */
  points: Record<string, number>;
  /** e.g. the model records no extraction settings to check the patient's against */
  warnings: string[];
}

export type Values = Record<string, number | null | undefined>;

export const modelWorkerApi = {
  fit(req: FitRequest, onProgress?: (step: string, fraction: number) => void): FitReply {
    const s = req.sources ?? {};
    const features = parseFeaturesCsv(req.featuresCsv, s.features ?? 'features CSV');
    const clinical = parseClinicalCsv(req.clinicalCsv, s.clinical ?? 'clinical CSV');
    const reader2 = req.reader2Csv ? parseFeaturesCsv(req.reader2Csv, s.reader2 ?? 'reader-2 CSV') : null;
    const { model, patients } = fit(
      {
        features,
        clinical,
        reader2,
        featuresSource: s.features ?? 'features CSV',
        reader2Source: s.reader2 ?? 'reader-2 CSV',
        featuresDiagnostics: readExtractionDiagnostics(req.featuresCsv),
        reader2Diagnostics: req.reader2Csv ? readExtractionDiagnostics(req.reader2Csv) : null,
        phase: req.phase ?? null,
        synthetic: req.synthetic ?? false,
      },
      req.config ?? null,
      {
        date: req.date,
        onProgress: onProgress ? (step, f) => void Promise.resolve(onProgress(step, f)).catch(() => undefined) : undefined,
      },
    );
    return { model, text: modelJsonText(model), patients };
  },

  /** Parses and checks a MODEL.json text; the message names `source` when it is not one. */
  read(text: string, source = 'MODEL.json'): ModelJson {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new Error(`${source}: not valid JSON (${(e as Error).message})`);
    }
    return checkModel(raw, source);
  },

  /**
   * One patient's rad-score, the three models' probabilities and the nomogram's class, as
   * `her2 predict`; plus the nomogram points. A value the model needs and the patient lacks
   * is refused with a message naming it, and so are features extracted otherwise than the
   * model's (`extraction`: the features' diagnostics cells and phase; none given = features
   * that state no settings, refused by a model that records them).
   */
  score(model: ModelJson, features: Values, clinical: Values, who = 'patient', extraction: ScoreExtraction | null = null): PatientScore {
    const warning = checkPatientExtraction(model, patientExtraction(extraction?.diagnostics, extraction?.phase ?? null, who), who);
    const p = predict(model, features, clinical, who);
    const value = (name: string): number => (name === 'radscore' ? p.radscore : (clinical[name] as number));
    const points: Record<string, number> = {};
    for (const pr of model.nomogram_scales.predictors) points[pr.name] = nomogramPoints({ ...model.nomogram_scales, predictors: [pr] }, value);
    return { ...p, total_points: nomogramPoints(model.nomogram_scales, value), points, warnings: warning ? [warning] : [] };
  },
};

export type ModelWorkerApi = typeof modelWorkerApi;

/** What a model needs of a patient: the rad-score's features and the clinical variables of its models. */
export function modelInputs(model: ModelJson): { features: string[]; clinical: string[] } {
  const clinical: string[] = [];
  for (const block of [model.models.clinical, model.models.nomogram]) {
    for (const t of block.terms) if (t.variable !== null && t.variable !== 'radscore' && !clinical.includes(t.variable)) clinical.push(t.variable);
  }
  return { features: Object.keys(model.radscore.coefficients), clinical };
}
