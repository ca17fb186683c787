/**
 * Web Worker entry point (comlink) of the modelling engine for the app: training (`fit`),
 * reading a MODEL.json (`read`) and scoring a patient (`score`); ./model-worker-api.ts.
 * Errors reach the caller as rejected promises whose message names the patient, row,
 * column, feature or setting.
 */
import * as Comlink from 'comlink';
import { modelWorkerApi } from './model-worker-api.ts';

export type { ModelWorkerApi } from './model-worker-api.ts';

Comlink.expose(modelWorkerApi);
