import { Piscina } from 'piscina';
import type { ExtractConfig } from '../config/index.js';
import { ClientClosedError, ExtractionBusyError, WorkerStoppedError } from '../errors/index.js';
import type { BuiltDocument, ExtractionTask } from './build-document.js';
import { runAttempt, type Attempt, type PoolState, type StopReason } from './pool-attempt.js';
import type { ExtractionWorkerData, WorkerInput, WorkerOutput } from './worker.js';

export interface Extractor {
  /**
   * Parses in a worker. `signal` aborts a queued or running parse (the client went away).
   * Takes ownership of in-memory `task.source` bytes: when the source owns their ArrayBuffer, or
   * they span all of it, the buffer is moved to the worker (detached here), not copied.
   */
  extract(task: ExtractionTask, signal?: AbortSignal): Promise<BuiltDocument>;
  readonly queueSize: number;
  /** Parses running now. */
  readonly running: number;
  /** Worker threads alive (0 once closed); /readyz needs at least one. */
  readonly workers: number;
  /** Parses stopped early, by reason (running ones had their worker terminated). */
  readonly stopped: Readonly<Record<StopReason, number>>;
  close(): Promise<void>;
}

/** Seconds a client told 503 is asked to wait. */
export const RETRY_AFTER_SECONDS = 5;

export interface ExtractionPoolOptions {
  /**
   * The compiled worker module (worker.ts built). By default the one next to this file; whoever
   * runs this file from its .ts source (the tests) names the built one.
   */
  readonly workerUrl?: URL;
}

const DEFAULT_WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * piscina loads the worker file with require(), which on Node ≥ 20.19 loads an ES module
 * synchronously (require(esm)). A worker terminated during that load (the pool closed while its
 * workers start: a quick shutdown, a test) aborted the whole process with a V8 fatal error
 * ("IsGraphAsync must be used on an instantiated module"; reproduced on Node 20.20 by closing
 * pools as they start). Without require(esm) in the workers, piscina's require fails and it loads
 * the worker with import(), which a termination interrupts cleanly.
 */
const NO_REQUIRE_ESM = '--no-experimental-require-module';
const WORKER_EXEC_ARGV = process.allowedNodeEnvironmentFlags.has(NO_REQUIRE_ESM) ? [...process.execArgv, NO_REQUIRE_ESM] : undefined;

/** The worker threads: all started at once, each with a heap cap. */
function startWorkers(config: ExtractConfig, workerUrl: URL): Piscina<WorkerInput, WorkerOutput> {
  return new Piscina<WorkerInput, WorkerOutput>({
    filename: workerUrl.href,
    ...(WORKER_EXEC_ARGV ? { execArgv: WORKER_EXEC_ARGV } : {}),
    // All workers from the start and kept: a worker started on demand (or again after idling
    // past idleTimeout) made its first request pay pdf.js's import and a cold JIT, measured
    // 300-420 ms instead of ~60 ms for a 0.2 MB PDF.
    minThreads: config.workers,
    maxThreads: config.workers,
    concurrentTasksPerWorker: 1,
    workerData: {
      maxBufferBytes: config.maxBufferMb * 1024 * 1024,
      pdfEngine: config.pdfEngine,
      ocr: { enabled: config.ocr === 'auto', maxPages: config.ocrMaxPages, maxPixels: config.ocrMaxMegapixels * 1_000_000, timeoutMs: config.ocrTimeoutMs },
    } satisfies ExtractionWorkerData,
    idleTimeout: 60_000,
    resourceLimits: {
      maxOldGenerationSizeMb: config.maxHeapMb,
      // 16 MB: one worker on the bench's 10 MB, 2679-page PDF peaked 97 MB above its start with
      // 16, 118 MB with 32 (and two workers ~550 MB RSS with 64), in the same time.
      maxYoungGenerationSizeMb: Math.max(8, Math.min(16, Math.floor(config.maxHeapMb / 16))),
      stackSizeMb: 8,
    },
  });
}

type Log = (message: string, err?: unknown) => void;

function crashError(log: Log, err: unknown, why: string): WorkerStoppedError {
  log('extraction worker failed', err);
  const message = err instanceof Error ? err.message : String(err);
  return new WorkerStoppedError('crash', `the extraction worker died while parsing this file (${message}); ${why}`);
}

/**
 * A worker that dies under a task may have been killed by something else (a late failure of an
 * earlier task, a fault of the thread): the task gets one more try on a fresh worker. Dying twice
 * under the same file is the file's doing.
 */
async function withOneRetry(run: () => Promise<Attempt>, log: Log): Promise<BuiltDocument> {
  const first = await run();
  if (first.ok) return first.value;
  if (!first.retryable) throw crashError(log, first.error, 'it was not retried (a large in-memory body is moved to its worker, not copied)');
  log('extraction worker died; retrying its task once on a fresh worker', first.error);
  const second = await run();
  if (second.ok) return second.value;
  throw crashError(log, second.error, 'the file stopped a fresh worker too, so the file is the cause');
}

/**
 * A piscina pool: every parse runs in a worker thread with a heap cap; a parse past its time limit
 * has its worker terminated (piscina replaces it); a crash fails only its own request.
 */
export function createExtractionPool(
  config: ExtractConfig,
  log: Log = () => {},
  { workerUrl = DEFAULT_WORKER_URL }: ExtractionPoolOptions = {},
): Extractor {
  const pool = startWorkers(config, workerUrl);
  // Errors of a worker with no task in flight arrive here; without a listener they would crash us.
  pool.on('error', (err: unknown) => log('extraction worker error', err));
  const stopped = { timeout: 0, memory: 0, cancelled: 0, crash: 0, busy: 0 };
  // The queue bound is kept here, not with piscina's maxQueue: piscina parks abortable tasks in a
  // separate queue that its maxQueue check does not count (piscina 5.x, Piscina#runTask).
  const load = { waiting: 0, running: 0 };
  const state: PoolState = { pool, config, stopped, load };
  return {
    stopped,
    get queueSize() {
      return load.waiting;
    },
    get running() {
      return load.running;
    },
    get workers() {
      return pool.threads.length;
    },
    async extract(task, signal) {
      if (signal?.aborted) throw new ClientClosedError();
      if (load.running + load.waiting >= config.workers + config.queueMax) {
        stopped.busy++;
        throw new ExtractionBusyError(RETRY_AFTER_SECONDS);
      }
      return withOneRetry(() => runAttempt(state, task, signal), log);
    },
    close: () => pool.destroy(),
  };
}
