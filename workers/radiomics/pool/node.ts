/**
 * The extraction pool on Node's worker_threads (CLI, tests, bench). Node only: the browser
 * uses ./browser.ts.
 *
 * Workers run JavaScript bundled once per process from ./node-worker.ts by esbuild (the
 * compiler tsx itself runs), written next to the packages it imports
 * (node_modules/.cache/her2-radiomics/, named by content hash): a worker then starts in
 * about 50 ms. Registering tsx in each worker instead (./node-bootstrap.mjs) costs about
 * 0.5 s of CPU per worker (a loader thread and a compiler each), which a small cohort or a
 * single case split over workers pays again every time. TypeScript cohort source modules
 * (CohortCase.source) are bundled the same way on first use. Where bundling is not possible
 * (no esbuild, no writable cache folder), workers fall back to the tsx bootstrap.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { ExtractionPool, type WorkerHandle } from './pool.ts';

const BOOTSTRAP = new URL('./node-bootstrap.mjs', import.meta.url);
const ENTRY = new URL('./node-worker.ts', import.meta.url).href;
const CACHE = new URL('../../../node_modules/.cache/her2-radiomics/', import.meta.url);

interface BuildResult {
  outputFiles: { text: string }[];
}
type BuildSync = (options: Record<string, unknown>) => BuildResult;

let esbuild: BuildSync | null | undefined;
const bundles = new Map<string, string | null>();

/**
 * `module` (a file URL of a TypeScript module) as one JavaScript module in the cache folder,
 * its packages left as imports; the bundle's file URL, or null when it cannot be made.
 */
function bundled(module: string): string | null {
  if (bundles.has(module)) return bundles.get(module)!;
  let out: string | null = null;
  try {
    if (esbuild === undefined) esbuild = (createRequire(import.meta.url)('esbuild') as { buildSync: BuildSync }).buildSync;
    if (esbuild) {
      const code = esbuild({ entryPoints: [fileURLToPath(module)], bundle: true, format: 'esm', platform: 'node', packages: 'external', write: false, logLevel: 'silent' })
        .outputFiles[0].text;
      const file = new URL(`${createHash('sha1').update(code).digest('hex').slice(0, 16)}.mjs`, CACHE);
      mkdirSync(CACHE, { recursive: true });
      // several processes may write the same bundle: write aside, then rename into place
      const tmp = `${fileURLToPath(file)}.${process.pid}.tmp`;
      writeFileSync(tmp, code);
      renameSync(tmp, file);
      out = file.href;
    }
  } catch {
    esbuild = esbuild ?? null;
    out = null;
  }
  bundles.set(module, out);
  return out;
}

/** A source module as the workers import it: TypeScript bundled (see above), else as given. */
function sourceModule(module: string): string {
  if (!/\.[cm]?tsx?$/.test(module) || !module.startsWith('file:')) return module;
  const b = bundled(module);
  if (!b) throw new Error(`extraction pool: cannot bundle the cohort source module ${module} for the workers`);
  return b;
}

function spawnNodeWorker(): WorkerHandle {
  const code = bundled(ENTRY);
  const worker = code ? new Worker(new URL(code), { name: 'radiomics' }) : new Worker(BOOTSTRAP, { workerData: { entry: ENTRY }, name: 'radiomics' });
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
  const workersBundled = bundled(ENTRY) !== null;
  return new ExtractionPool({ size, spawn: spawnNodeWorker, share: opts.share, sourceModule: workersBundled ? sourceModule : undefined });
}
