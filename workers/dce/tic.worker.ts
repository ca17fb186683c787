/**
 * Web Worker entry point (comlink) for the lesion's time-intensity curve and TIC type
 * (./tic.ts, docs/tic.md). The phases and the mask are structured-cloned in; the result is
 * plain JSON-friendly data. Errors (TicError) reach the caller as rejected promises with
 * their message, which names the phase or setting.
 */
import * as Comlink from 'comlink';
import { computeTic, type TicInput, type TicResult } from './tic.ts';

const api = {
  tic(input: TicInput): TicResult {
    return computeTic(input);
  },
};

export type TicWorkerApi = typeof api;

Comlink.expose(api);
