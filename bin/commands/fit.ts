/**
 * her2 fit --features F.csv --clinical C.csv [--reader2 R2.csv] [--folds FOLDS.csv]
 *          [--config FIT.yaml] [--phase N] [--synthetic] --out MODEL.json
 * Trains the radiomics, clinical and nomogram models with the study's pipeline
 * (workers/stats/fit.ts) and writes MODEL.json (docs/model-json.md).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { ClinicalCsvError, parseClinicalCsv, parseFoldsCsv } from '../../workers/io/clinical-csv.ts';
import { FeaturesCsvError, parseFeaturesCsv } from '../../workers/io/features-csv.ts';
import { FitConfigError, resolveFitConfig } from '../../workers/stats/fit-config.ts';
import { readExtractionDiagnostics } from '../../workers/stats/extraction-record.ts';
import { fit, FitError } from '../../workers/stats/fit.ts';
import { MODEL_NAMES } from '../../workers/stats/model-json.ts';
import { CliError, one, parseArgs, required } from '../cli-args.ts';

const USAGE = `usage: her2 fit --features F.csv --clinical C.csv [--reader2 R2.csv] [--folds FOLDS.csv] [--config FIT.yaml] [--phase N] [--synthetic] --out MODEL.json

  --features  reader 1's features CSV (id, then features by PyRadiomics name)
  --clinical  clinical CSV: id,label,split,... (label 1 = HER2-low, 0 = HER2-zero; split train/test)
  --reader2   reader 2's features CSV for the ICC subset (without it the ICC step is skipped)
  --folds     id,fold for the training patients (default: seeded stratified folds)
  --config    FIT.yaml settings (docs/model-json.md lists them; defaults are the study's)
  --phase     the DCE phase the features were extracted from (her2 cohort --phase; 0 = pre-contrast),
              recorded in MODEL.json so that scoring refuses features of another phase
  --synthetic the patients come from \`her2 demo\` (synthetic data): MODEL.json says so
  --out       the MODEL.json to write`;

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
  const args = parseArgs(argv, { values: ['features', 'clinical', 'reader2', 'folds', 'config', 'out', 'phase'], flags: ['synthetic'] });
  if (args.positional.length) throw new CliError(`unexpected argument '${args.positional[0]}'\n${USAGE}`);
  const featuresPath = required(args, 'features');
  const clinicalPath = required(args, 'clinical');
  const outPath = required(args, 'out');
  const reader2Path = one(args, 'reader2');
  const foldsPath = one(args, 'folds');
  const configPath = one(args, 'config');
  const phaseText = one(args, 'phase');
  const phase = phaseText === undefined ? null : Number(phaseText);
  if (phase !== null && !(phaseText!.trim() !== '' && Number.isInteger(phase) && phase >= 0)) throw new CliError(`--phase: '${phaseText}' is not a phase number (0 = pre-contrast, 1, 2, ...)`);
  try {
    const featuresText = readText(featuresPath, 'features CSV');
    const features = parseFeaturesCsv(featuresText, featuresPath);
    const clinical = parseClinicalCsv(readText(clinicalPath, 'clinical CSV'), clinicalPath);
    const reader2Text = reader2Path ? readText(reader2Path, 'reader-2 CSV') : null;
    const reader2 = reader2Text !== null ? parseFeaturesCsv(reader2Text, reader2Path) : null;
    const folds = foldsPath ? parseFoldsCsv(readText(foldsPath, 'folds CSV'), foldsPath) : null;
    let rawConfig: unknown = null;
    if (configPath) {
      try {
        rawConfig = yaml.load(readText(configPath, 'settings file'));
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new CliError(`${configPath}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    const config = resolveFitConfig(rawConfig, configPath ?? 'settings');
    const started = performance.now();
    const { model } = fit(
      {
        features,
        clinical,
        reader2,
        folds,
        featuresSource: featuresPath,
        reader2Source: reader2Path,
        featuresDiagnostics: readExtractionDiagnostics(featuresText),
        reader2Diagnostics: reader2Text !== null ? readExtractionDiagnostics(reader2Text) : null,
        phase,
        synthetic: args.flags.has('synthetic'),
      },
      config,
    );
    writeFileSync(outPath, JSON.stringify(model, null, 1) + '\n');
    const s = model.steps;
    console.log(
      `features: ${s.features_in.length} in, ${s.dropped.length} dropped, ${s.after_icc.length} after ICC${model.icc.skipped ? ' (skipped)' : ''}, ` +
        `${s.after_mwu.length} after Mann-Whitney, ${s.selected.length} selected by the LASSO (lambda.${model.lasso.lambda_rule} = ${model.lasso.lambda_used.toPrecision(4)})`,
    );
    for (const m of MODEL_NAMES) {
      const b = model.models[m];
      const f = (x: number) => x.toFixed(3);
      console.log(
        `${m.padEnd(9)} ${b.formula.startsWith('y ~ plogis') ? 'y ~ plogis(radscore)' : b.formula}: AUC train ${f(b.metrics.train.auc)} ` +
          `(${f(b.metrics.train.auc_ci[0])}-${f(b.metrics.train.auc_ci[1])}), test ${f(b.metrics.test.auc)} (${f(b.metrics.test.auc_ci[0])}-${f(b.metrics.test.auc_ci[1])})`,
      );
    }
    const x = model.provenance.extraction;
    console.log(
      x?.settings_hash
        ? `extraction: settings hash ${x.settings_hash.slice(0, 12)} (binWidth ${JSON.stringify(x.settings?.binWidth ?? null)}; ${Object.keys(x.image_types ?? {}).join(', ') || 'image types not stated'}), phase ${x.phase ?? 'not stated'}${model.provenance.synthetic ? '; synthetic data' : ''}`
        : `extraction: ${featuresPath} states no settings (diagnostics_Configuration_Settings): scoring cannot check them${x?.phase != null ? `; phase ${x.phase}` : ''}${model.provenance.synthetic ? '; synthetic data' : ''}`,
    );
    for (const w of model.warnings) console.error(`warning: ${w}`);
    console.log(`wrote ${outPath} (${((performance.now() - started) / 1000).toFixed(2)} s)`);
    return 0;
  } catch (e) {
    if (e instanceof FitError || e instanceof FitConfigError || e instanceof ClinicalCsvError || e instanceof FeaturesCsvError) throw new CliError(e.message);
    throw e;
  }
}
