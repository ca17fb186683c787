/**
 * The extraction pool on Node's worker_threads (CLI, tests, bench). Node only: the browser
 * uses ./browser.ts.
 *
 * Each worker runs ./node-bootstrap.mjs, which registers tsx in that worker and imports
 * ./node-worker.ts: TypeScript loads in workers whether the main thread was started by
 * `npx her2`, `npx tsx` or vitest.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { ExtractionPool, type WorkerHandle } from './pool.ts';

const BOOTSTRAP = new URL('./node-bootstrap.mjs', import.meta.url);
const ENTRY = new URL('./node-worker.ts', import.meta.url).href;

function spawnNodeWorker(): WorkerHandle {
  const worker = new Worker(BOOTSTRAP, { workerData: { entry: ENTRY }, name: 'radiomics' });
  return {
    endpoint: nodeEndpoint(worker),
    terminate: () => void worker.terminate(),
    onExit: (listener) => {
      worker.once('error', (e) => listener(e instanceof Error ? e : new Error(String(e))));
      worker.once('exit', (code) => listener(new Error(`extraction worker exited (code ${code})`)));
    },
  };
}

/** A pool of `size` worker threads (default: the machine's available parallelism). */
export function createNodeExtractionPool(size: number = availableParallelism(), opts: { share?: boolean } = {}): ExtractionPool {
  return new ExtractionPool({ size, spawn: spawnNodeWorker, share: opts.share });
}
