// Node worker_threads entry of the extraction pool. Workers do not inherit the loader that
// `npx her2` (bin/her2.mjs) or vitest registered in the main thread, so each worker registers
// tsx itself (resolved from this repository's node_modules, whatever the working directory)
// and then imports its TypeScript entry point, given as a file URL in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
