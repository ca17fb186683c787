/**
 * Web Worker entry point (comlink) for DCE subtraction: post_k - pre (Float32) and the
 * three orthogonal MIPs of it. Inputs and outputs are transferred, not copied.
 */
import * as Comlink from 'comlink';
import type { Volume } from '../io/volume.ts';
import { orthogonalMips, subtractPhases } from './subtraction.ts';

export interface SubtractionResult {
  subtraction: Volume<Float32Array>;
  /** MIP along index axis 0, 1 and 2 */
  mips: [Volume<Float32Array>, Volume<Float32Array>, Volume<Float32Array>];
}

const api = {
  subtract(post: Volume, pre: Volume): SubtractionResult {
    const subtraction = subtractPhases(post, pre);
    const mips = orthogonalMips(subtraction);
    return Comlink.transfer({ subtraction, mips }, [
      subtraction.data.buffer as ArrayBuffer,
      ...mips.map((m) => m.data.buffer as ArrayBuffer),
    ]);
  },
};

export type SubtractionWorkerApi = typeof api;

Comlink.expose(api);
