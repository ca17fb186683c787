/**
 * The extraction worker pool, the same in the browser (Web Workers, ./browser.ts) and in
 * Node (worker_threads, ./node.ts): this module knows workers only as comlink endpoints.
 *
 *   const pool = createNodeExtractionPool(2);            // or createBrowserExtractionPool()
 *   const result = await pool.extractCase(image, mask, params, { onProgress, signal });
 *   const rows = await pool.extractCohort(cases, params, { onCaseDone, signal });
 *   pool.close();
 *
 * extractCase: one case split by image type. One worker runs prepareCase (normalize,
 * resample / crop, mask checks); the prepared arrays go to each other worker that takes a
 * task, once per case (shared memory where the platform allows it: Node, or a
 * cross-origin-isolated page; else one structured-clone copy per worker); then the shape
 * task and one task per image type run on whichever worker is free, the costliest first;
 * the parts are put together by the extractor's own `assemble`, so the record equals
 * `extract(image, mask, params)` bit for bit and key for key.
 *
 * extractCohort: many cases, one case per worker at a time (a whole `extract` per mask in
 * the worker); each case is read either in the worker (`source`: a loader module the worker
 * imports, so reading runs in parallel too) or here (`load`: the next case is read while
 * the workers compute, and its arrays are moved to the worker). A case that fails is
 * reported with its error and the others go on.
 *
 * Cancel (AbortSignal): queued tasks are dropped; running ones stop at their next check
 * through a shared flag, or, without shared memory, their workers are terminated (and
 * replaced on the next task). The promise rejects with ExtractionCancelled.
 */
import * as Comlink from 'comlink';
import type { Volume } from '../../io/volume.ts';
import { assemble, ExtractionCancelled, type ExtractionResult, type PreparedCase, type ProgressEvent } from '../extractor.ts';
import type { ExtractionParams } from '../settings.ts';
import type { CohortInput, ExtractWorkerApi, MaskResult, PartResult, ProgressSink, WorkerProgress } from './worker-api.ts';
import { canShareMemory, encodeParams, transferList } from './wire.ts';

export type { CohortInput, CohortLoader, MaskResult } from './worker-api.ts';

/** A started worker as the pool needs it. */
export interface WorkerHandle {
  endpoint: Comlink.Endpoint;
  terminate(): void;
  /** `listener` is called once if the worker dies (uncaught error, exit). */
  onExit(listener: (reason: Error) => void): void;
}

export interface PoolOptions {
  /** number of workers (>= 1) */
  size: number;
  spawn: () => WorkerHandle;
  /** share prepared arrays and cancel flags through SharedArrayBuffer (default: where the platform allows) */
  share?: boolean;
  /** the module a worker imports for a cohort source module (default: the module itself) */
  sourceModule?: (module: string) => string;
}

export interface CaseProgress extends ProgressEvent {
  /** tasks finished / all tasks of the case (prepare, shape, one per image type) */
  done: number;
  total: number;
}

export interface CaseOptions {
  onProgress?: (e: CaseProgress) => void;
  signal?: AbortSignal;
  /** move the image and mask arrays to a worker instead of copying them (they become unusable here) */
  transfer?: boolean;
}

/**
 * One case of a cohort: its id and how to read its image and masks, either here (`load`:
 * the arrays are then moved to a worker) or in the worker (`source`: the worker imports
 * `module` and calls its `loadCohortInput(arg)`; `arg` must be structured-cloneable). With
 * `source`, reading (e.g. decoding DICOM) runs in parallel too, so this thread stays idle.
 */
export type CohortCase =
  | { id: string; load: () => Promise<CohortInput>; source?: undefined }
  | { id: string; source: { module: string; arg: unknown }; load?: undefined };

export interface CohortResult {
  id: string;
  /** one entry per mask, in the order given (each with its result or its error) */
  masks: MaskResult[];
  /** set when the case could not be loaded or its worker died */
  error?: string;
  /** the loader's warnings (e.g. DICOM import problems) */
  warnings?: string[];
}

export interface CohortOptions {
  signal?: AbortSignal;
  /** after each case, in completion order */
  onCaseDone?: (r: CohortResult, done: number, total: number) => void;
  /** progress inside the cases being extracted */
  onProgress?: (id: string, e: WorkerProgress) => void;
  /** cases read (with `load`) ahead of a free worker (default 1) */
  prefetch?: number;
}

interface Slot {
  handle: WorkerHandle;
  remote: Comlink.Remote<ExtractWorkerApi>;
  /** rejects when the worker dies; every call races it */
  death: Promise<never>;
  kill: (reason: Error) => void;
  dead: boolean;
  busy: boolean;
  /** jobs whose prepared case this worker holds */
  loaded: Set<number>;
}

interface Queued {
  run: (slot: Slot) => Promise<void>;
  reject: (reason: Error) => void;
}

/**
 * A progress callback for one worker call, and a promise that resolves once every event
 * the call sent has been delivered here. Progress travels on its own MessageChannel, so a
 * call's result can overtake its last events; the worker releases the proxy after its last
 * event (same channel, so in order), and comlink then runs the finalizer.
 */
function progressChannel(sink: ((e: WorkerProgress) => void) | undefined): { proxy: ProgressSink | undefined; drained: Promise<void> } {
  if (!sink) return { proxy: undefined, drained: Promise.resolve() };
  let drain: () => void = () => undefined;
  const drained = new Promise<void>((resolve) => {
    drain = resolve;
  });
  const callback = Object.assign((e: WorkerProgress) => sink(e), { [Comlink.finalizer]: () => drain() });
  return { proxy: Comlink.proxy(callback), drained };
}

/** A worker call with progress: its result once all its progress events are delivered. */
async function withProgress<T>(sink: ((e: WorkerProgress) => void) | undefined, call: (progress: ProgressSink | undefined) => Promise<T>): Promise<T> {
  const ch = progressChannel(sink);
  const result = await call(ch.proxy);
  await ch.drained;
  return result;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Relative cost of an image type's task: its number of derived images (wavelet: 8 per level). */
function taskCost(p: PreparedCase, name: string): number {
  const t = p.imageTypes.find((x) => x.name === name)!;
  if (name === 'LoG') return t.filterSettings.sigma?.length ?? 0;
  if (name === 'Wavelet') return (t.filterSettings.force2D ? 4 : 8) * Math.max(1, (t.filterSettings.level ?? 1) - (t.filterSettings.start_level ?? 0));
  return 1;
}

export class ExtractionPool {
  readonly size: number;
  /** whether prepared arrays and cancel flags live in shared memory */
  readonly shared: boolean;
  private readonly spawn: () => WorkerHandle;
  private readonly sourceModule: (module: string) => string;
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];
  private jobs = 0;
  private closed = false;

  constructor(opts: PoolOptions) {
    if (!Number.isInteger(opts.size) || opts.size < 1) throw new Error(`extraction pool: size must be a positive integer, got ${opts.size}`);
    this.size = opts.size;
    this.spawn = opts.spawn;
    this.sourceModule = opts.sourceModule ?? ((m) => m);
    this.shared = (opts.share ?? true) && canShareMemory();
    for (let i = 0; i < opts.size; i++) this.slots.push(this.startSlot());
  }

  private startSlot(): Slot {
    const handle = this.spawn();
    let kill: (reason: Error) => void = () => undefined;
    const death = new Promise<never>((_, reject) => {
      kill = reject;
    });
    death.catch(() => undefined);
    const slot: Slot = { handle, remote: Comlink.wrap<ExtractWorkerApi>(handle.endpoint), death, kill: () => undefined, dead: false, busy: false, loaded: new Set() };
    slot.kill = (reason) => {
      if (slot.dead) return;
      slot.dead = true;
      slot.loaded.clear();
      handle.terminate();
      kill(reason);
    };
    handle.onExit((reason) => slot.kill(reason));
    return slot;
  }

  /** Runs `task` on the next free worker (FIFO); a dead worker is replaced first. */
  private schedule<T>(task: (slot: Slot) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('extraction pool: closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: (slot) => task(slot).then(resolve, reject), reject });
      this.pump();
    });
  }

  private pump(): void {
    for (let i = 0; i < this.slots.length && this.queue.length > 0; i++) {
      if (this.slots[i].busy) continue;
      if (this.slots[i].dead) this.slots[i] = this.startSlot();
      const slot = this.slots[i];
      const next = this.queue.shift()!;
      slot.busy = true;
      void next.run(slot).finally(() => {
        slot.busy = false;
        this.pump();
      });
    }
  }

  /** A call on a worker that fails if the worker dies meanwhile. */
  private guarded<T>(slot: Slot, call: Promise<T>): Promise<T> {
    return Promise.race([call, slot.death]);
  }

  private newCancelFlag(): Int32Array | null {
    return this.shared ? new Int32Array(new SharedArrayBuffer(4)) : null;
  }

  /** One case, split by image type over the workers; equals `extract(image, mask, params)`. */
  async extractCase(image: Volume, mask: Volume, params: ExtractionParams, opts: CaseOptions = {}): Promise<ExtractionResult> {
    const job = ++this.jobs;
    const wire = encodeParams(params);
    const cancel = this.newCancelFlag();
    const stop = new AbortController();
    const running = new Set<Slot>();
    const holders = new Set<Slot>();
    const onAbort = () => stop.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    stop.signal.addEventListener('abort', () => {
      if (cancel) Atomics.store(cancel, 0, 1);
      else for (const s of running) s.kill(new ExtractionCancelled());
    });
    if (opts.signal?.aborted) stop.abort();

    let done = 0;
    let total = 1;
    const report = opts.onProgress;
    const sink = report ? (e: WorkerProgress) => report({ ...e, done, total }) : undefined;

    const onWorker = <T>(fn: (slot: Slot) => Promise<T>): Promise<T> =>
      this.schedule(async (slot) => {
        if (stop.signal.aborted) throw new ExtractionCancelled();
        running.add(slot);
        try {
          return await this.guarded(slot, fn(slot));
        } finally {
          running.delete(slot);
        }
      });

    try {
      const prepared = await onWorker(async (slot) => {
        holders.add(slot);
        const img = opts.transfer ? Comlink.transfer(image, transferList([image.data, mask.data])) : image;
        const p = (await withProgress(sink, (progress) => slot.remote.prepare(job, img, mask, wire, this.shared, cancel, progress))) as PreparedCase;
        slot.loaded.add(job);
        return p;
      });
      done = 1;

      const parts: { imageType: string | null; cost: number }[] = [
        { imageType: null, cost: 1 },
        ...prepared.imageTypes.map((t) => ({ imageType: t.name as string, cost: taskCost(prepared, t.name) })),
      ];
      total = 1 + parts.length;
      const order = [...parts].sort((a, b) => b.cost - a.cost);
      const settled = await Promise.allSettled(
        order.map((part) =>
          onWorker(async (slot): Promise<[string | null, PartResult]> => {
            if (!slot.loaded.has(job)) {
              holders.add(slot);
              await slot.remote.load(job, prepared);
              slot.loaded.add(job);
            }
            const imageType = part.imageType as PreparedCase['imageTypes'][number]['name'] | null;
            const r = await withProgress(sink, (progress) =>
              imageType === null ? slot.remote.shape(job, cancel, progress) : slot.remote.imageType(job, imageType, cancel, progress),
            );
            done++;
            return [part.imageType, r];
          }).catch((e: unknown) => {
            stop.abort(); // one failed part fails the case: stop the others
            throw e;
          }),
        ),
      );
      const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected' && !(opts.signal?.aborted));
      if (opts.signal?.aborted) throw new ExtractionCancelled();
      if (failure) throw failure.reason instanceof Error ? failure.reason : new Error(message(failure.reason));
      const byType = new Map<string | null, PartResult>();
      for (const s of settled) if (s.status === 'fulfilled') byType.set(s.value[0], s.value[1]);
      return assemble(
        prepared,
        byType.get(null)!,
        prepared.imageTypes.map((t) => byType.get(t.name)!),
      );
    } catch (e) {
      if (opts.signal?.aborted) throw new ExtractionCancelled();
      throw e;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      for (const s of holders) {
        if (s.dead) continue;
        s.loaded.delete(job);
        void s.remote.release(job).catch(() => undefined);
      }
    }
  }

  /**
   * Many cases, one per worker at a time, results in the order of `cases`. A case that
   * cannot be loaded, or whose worker dies, gets `error`; a mask whose extraction fails
   * gets its own `error`; the others continue. Rejects only when cancelled.
   */
  async extractCohort(cases: readonly CohortCase[], params: ExtractionParams, opts: CohortOptions = {}): Promise<CohortResult[]> {
    const wire = encodeParams(params);
    const cancel = this.newCancelFlag();
    const running = new Set<Slot>();
    const signal = opts.signal;
    const onAbort = () => {
      if (cancel) Atomics.store(cancel, 0, 1);
      else for (const s of running) s.kill(new ExtractionCancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const out: CohortResult[] = new Array(cases.length);
    let next = 0;
    let done = 0;

    const onWorker = <T>(fn: (slot: Slot) => Promise<T>): Promise<T> =>
      this.schedule(async (slot) => {
        if (signal?.aborted) throw new ExtractionCancelled();
        running.add(slot);
        try {
          return await this.guarded(slot, fn(slot));
        } finally {
          running.delete(slot);
        }
      });

    const runOne = async (c: CohortCase): Promise<CohortResult> => {
      const sink = opts.onProgress ? (e: WorkerProgress) => opts.onProgress!(c.id, e) : undefined;
      try {
        if (c.source) {
          const module = this.sourceModule(c.source.module);
          const arg = c.source.arg;
          const r = await onWorker((slot) => withProgress(sink, (progress) => slot.remote.extractSource(module, arg, wire, cancel, progress)));
          return { id: c.id, masks: r.masks, warnings: r.warnings };
        }
        let input: CohortInput;
        try {
          input = await c.load();
        } catch (e) {
          return { id: c.id, masks: [], error: message(e) };
        }
        if (signal?.aborted) throw new ExtractionCancelled();
        const arrays = [input.image.data, ...input.masks.map((m) => m.mask.data)];
        const image = Comlink.transfer(input.image, transferList(arrays));
        const masks = await onWorker((slot) => withProgress(sink, (progress) => slot.remote.extractCase(image, input.masks, wire, cancel, progress)));
        return { id: c.id, masks, warnings: input.warnings ?? [] };
      } catch (e) {
        if (signal?.aborted) throw new ExtractionCancelled();
        return { id: c.id, masks: [], error: message(e) };
      }
    };

    const lane = async () => {
      while (next < cases.length) {
        if (signal?.aborted) throw new ExtractionCancelled();
        const i = next++;
        out[i] = await runOne(cases[i]);
        done++;
        opts.onCaseDone?.(out[i], done, cases.length);
      }
    };
    // cases read here get `prefetch` lanes more, so that one is read while the workers compute
    const readHere = cases.some((c) => c.load);
    const lanes = Math.min(cases.length, this.size + (readHere ? Math.max(0, opts.prefetch ?? 1) : 0));
    try {
      const settled = await Promise.allSettled(Array.from({ length: lanes }, lane));
      if (signal?.aborted) throw new ExtractionCancelled();
      const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failure) throw failure.reason;
      return out;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Prepared cases held by each worker (0 after every call has finished). */
  async heldCases(): Promise<number[]> {
    return Promise.all(this.slots.map((s) => (s.dead ? 0 : this.guarded(s, s.remote.heldCases()))));
  }

  /** Terminates the workers; queued tasks are rejected. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const q of this.queue.splice(0)) q.reject(new Error('extraction pool: closed'));
    for (const s of this.slots) s.kill(new Error('extraction pool: closed'));
  }
}
