/**
 * Web Worker entry point (comlink) of the radiomics extraction pool (./pool/browser.ts);
 * the API is ./pool/worker-api.ts, the same one Node's worker threads expose.
 */
import * as Comlink from 'comlink';
import { extractWorkerApi } from './pool/worker-api.ts';

export type { ExtractWorkerApi } from './pool/worker-api.ts';

Comlink.expose(extractWorkerApi);
