/**
 * her2 predict --model MODEL.json --features F.csv --clinical C.csv [--phase N] --out PRED.csv
 * Scores every patient of the features CSV with a trained model (workers/stats/predict.ts),
 * after checking that each patient's features were extracted with the model's settings (the
 * CSV's diagnostics_Configuration_* columns against MODEL.json's provenance.extraction).
 * PRED.csv columns: id, radscore, probability_radiomics, probability_clinical,
 * probability_nomogram, class_nomogram (1 = HER2-low, 0 = HER2-zero at the nomogram's
 * training cut-off). New patients need no label or split.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { ClinicalCsvError, parseClinicalCsv } from '../../workers/io/clinical-csv.ts';
import { formatCsv, formatNumber } from '../../workers/io/csv.ts';
import { FeaturesCsvError, parseFeaturesCsv } from '../../workers/io/features-csv.ts';
import { ExtractionRecordError, patientExtraction, readExtractionDiagnostics } from '../../workers/stats/extraction-record.ts';
import { checkModel, checkPatientExtraction, predict, PredictError } from '../../workers/stats/predict.ts';
import { CliError, one, parseArgs, required } from '../cli-args.ts';

const USAGE = `usage: her2 predict --model MODEL.json --features F.csv --clinical C.csv [--phase N] --out PRED.csv

  --phase  the DCE phase the features were extracted from (0 = pre-contrast): refused when the
           model records another; without it the phase is not checked (the CSV does not carry it)`;

export const PRED_COLUMNS = ['id', 'radscore', 'probability_radiomics', 'probability_clinical', 'probability_nomogram', 'class_nomogram'] as const;

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(argv, { values: ['model', 'features', 'clinical', 'out', 'phase'] });
  if (args.positional.length) throw new CliError(`unexpected argument '${args.positional[0]}'\n${USAGE}`);
  const modelPath = required(args, 'model');
  const featuresPath = required(args, 'features');
  const clinicalPath = required(args, 'clinical');
  const outPath = required(args, 'out');
  const phaseText = one(args, 'phase');
  const phase = phaseText === undefined ? null : Number(phaseText);
  if (phase !== null && !(phaseText!.trim() !== '' && Number.isInteger(phase) && phase >= 0)) throw new CliError(`--phase: '${phaseText}' is not a phase number (0 = pre-contrast, 1, 2, ...)`);
  try {
    let raw: unknown;
    try {
      raw = JSON.parse(readText(modelPath, 'model'));
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`${modelPath}: not valid JSON: ${(e as Error).message}`);
    }
    const model = checkModel(raw, modelPath);
    const featuresText = readText(featuresPath, 'features CSV');
    const features = parseFeaturesCsv(featuresText, featuresPath);
    const diagnostics = readExtractionDiagnostics(featuresText);
    const clinical = parseClinicalCsv(readText(clinicalPath, 'clinical CSV'), clinicalPath);
    const clinicalRow = new Map(clinical.ids.map((id, i) => [id, i]));
    const featureSet = new Set(features.ids);
    clinical.ids.forEach((id, i) => {
      if (!featureSet.has(id)) throw new CliError(`${clinicalPath}: row ${clinical.line[i]}: patient '${id}' has no row in ${featuresPath}`);
    });
    const col = new Map(features.names.map((n, j) => [n, j]));
    const rows: string[][] = [PRED_COLUMNS.slice()];
    let warning: string | null = null;
    features.ids.forEach((id, i) => {
      const ci = clinicalRow.get(id);
      if (ci === undefined) throw new CliError(`${featuresPath}: row ${i + 2}: patient '${id}' is not in ${clinicalPath}`);
      const who = `${featuresPath}: patient '${id}'`;
      warning = checkPatientExtraction(model, patientExtraction(diagnostics.get(id), phase, who), who) ?? warning;
      const pr = predict(
        model,
        (name) => (col.has(name) ? features.rows[i][col.get(name)!] : undefined),
        (name) => (name in clinical.values ? clinical.values[name][ci] : undefined),
        who,
      );
      rows.push([
        id,
        formatNumber(pr.radscore),
        formatNumber(pr.probability_radiomics),
        formatNumber(pr.probability_clinical),
        formatNumber(pr.probability_nomogram),
        String(pr.class_nomogram),
      ]);
    });
    if (warning) console.error(`warning: ${warning}`);
    writeFileSync(outPath, formatCsv(rows));
    console.log(`scored ${features.ids.length} patient(s); wrote ${outPath}`);
    return 0;
  } catch (e) {
    if (e instanceof PredictError || e instanceof ClinicalCsvError || e instanceof FeaturesCsvError || e instanceof ExtractionRecordError) throw new CliError(e.message);
    throw e;
  }
}
