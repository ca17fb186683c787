/**
 * The extraction pool on Web Workers (the app's Features tab and batch extraction). Vite
 * bundles ../extract.worker.ts from the `new URL(..., import.meta.url)` below.
 *
 * Without cross-origin isolation (our server sends no COOP/COEP headers) the page has no
 * SharedArrayBuffer: each worker then gets its own copy of a prepared case, once per case,
 * and cancel terminates the busy workers (replaced on the next task).
 */
import { ExtractionPool, type WorkerHandle } from './pool.ts';

function spawnWebWorker(): WorkerHandle {
  const worker = new Worker(new URL('../extract.worker.ts', import.meta.url), { type: 'module', name: 'radiomics' });
  return {
    endpoint: worker,
    terminate: () => worker.terminate(),
    onExit: (listener) => {
      worker.addEventListener('error', (e) => listener(new Error(`extraction worker failed: ${e.message || 'script error'}`)), { once: true });
    },
  };
}

/** A pool of `size` Web Workers (default navigator.hardwareConcurrency). */
export function createBrowserExtractionPool(size: number = navigator.hardwareConcurrency || 2): ExtractionPool {
  return new ExtractionPool({ size, spawn: spawnWebWorker });
}
