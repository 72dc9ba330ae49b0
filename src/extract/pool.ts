import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { ExtractConfig } from '../config/index.js';
import { ClientClosedError, errorFromCode, ExtractionBusyError, ExtractionError, GatewayError } from '../errors/index.js';
import type { BuiltDocument, ExtractionTask } from './build-document.js';
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
  readonly stopped: Readonly<Record<'timeout' | 'memory' | 'cancelled' | 'crash' | 'busy', number>>;
  close(): Promise<void>;
}

/**
 * In-memory uploads up to this size are sent to the worker as a fresh copy (moved, not cloned),
 * and the original is kept: should the worker die, the task is retried on a fresh one. Copying
 * 1 MiB costs ~0.3 ms. Larger in-memory sources (only /v1/index bodies: uploads past 1 MiB are
 * spooled to disk and re-read on a retry) are moved without a copy: a 10 MB copy cost ~5 ms of
 * event loop and a second 10 MB held until the answer; such a task is not retried.
 */
const COPY_FOR_RETRY_MAX_BYTES = 1024 * 1024;

interface Dispatch {
  readonly task: ExtractionTask;
  readonly transferList: ArrayBuffer[];
  /** False when the source's buffer is moved away: a second attempt would have no bytes. */
  readonly retryable: boolean;
}

/**
 * What goes to the worker for one attempt. A view into a shared (e.g. pooled) buffer is copied;
 * a buffer of the upload's own moves when it is too large to keep a copy of.
 */
function dispatch(task: ExtractionTask): Dispatch {
  const { source } = task;
  if (!('bytes' in source)) return { task, transferList: [], retryable: true }; // spooled: the worker reads the file
  const { bytes, ownsBuffer } = source;
  const { buffer } = bytes;
  const whole = buffer instanceof ArrayBuffer && (ownsBuffer || (bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength));
  if (whole && bytes.byteLength > COPY_FOR_RETRY_MAX_BYTES) return { task, transferList: [buffer], retryable: false };
  const copy = new Uint8Array(bytes); // a copy: Buffer#slice would be a view of the same memory
  return { task: { ...task, source: { bytes: copy, ownsBuffer: true } }, transferList: [copy.buffer], retryable: true };
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

/**
 * A piscina pool: every parse runs in a worker thread with a heap cap; a parse past its time limit
 * has its worker terminated (piscina replaces it); a crash fails only its own request.
 */
export function createExtractionPool(
  config: ExtractConfig,
  log: (message: string, err?: unknown) => void = () => {},
  { workerUrl = DEFAULT_WORKER_URL }: ExtractionPoolOptions = {},
): Extractor {
  const pool = new Piscina<WorkerInput, WorkerOutput>({
    filename: workerUrl.href,
    ...(WORKER_EXEC_ARGV ? { execArgv: WORKER_EXEC_ARGV } : {}),
    // All workers from the start and kept: a worker started on demand (or again after idling
    // past idleTimeout) made its first request pay pdf.js's import and a cold JIT, measured
    // 300-420 ms instead of ~60 ms for a 0.2 MB PDF.
    minThreads: config.workers,
    maxThreads: config.workers,
    concurrentTasksPerWorker: 1,
    workerData: { maxBufferBytes: config.maxBufferMb * 1024 * 1024, pdfEngine: config.pdfEngine } satisfies ExtractionWorkerData,
    idleTimeout: 60_000,
    resourceLimits: {
      maxOldGenerationSizeMb: config.maxHeapMb,
      // 16 MB: one worker on the bench's 10 MB, 2679-page PDF peaked 97 MB above its start with
      // 16, 118 MB with 32 (and two workers ~550 MB RSS with 64), in the same time.
      maxYoungGenerationSizeMb: Math.max(8, Math.min(16, Math.floor(config.maxHeapMb / 16))),
      stackSizeMb: 8,
    },
  });
  // Errors of a worker with no task in flight arrive here; without a listener they would crash us.
  pool.on('error', (err: unknown) => log('extraction worker error', err));
  const stopped = { timeout: 0, memory: 0, cancelled: 0, crash: 0, busy: 0 };
  // The queue bound is kept here, not with piscina's maxQueue: piscina parks abortable tasks in a
  // separate queue that its maxQueue check does not count (piscina 5.x, Piscina#runTask).
  let waiting = 0;
  let running = 0;

  type Attempt = { ok: true; value: BuiltDocument } | { ok: false; error: unknown; retryable: boolean };

  /** One run in a worker: its answer, a GatewayError thrown, or the worker's death returned. */
  async function attempt(task: ExtractionTask, signal: AbortSignal | undefined): Promise<Attempt> {
    const sent = dispatch(task);
    waiting++;
    let started = false;
    const controller = new AbortController();
    const { port1, port2 } = new MessageChannel();
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    port1.once('message', () => {
      started = true;
      waiting--;
      running++;
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, config.timeoutMs);
    });
    const onClientGone = () => controller.abort();
    signal?.addEventListener('abort', onClientGone, { once: true });
    try {
      const output = await pool.run({ task: sent.task, started: port2 }, { signal: controller.signal, transferList: [port2, ...sent.transferList] });
      if (!output.ok) throw errorFromCode(output.code, output.message, output.extra);
      return { ok: true, value: output.value };
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      if (timedOut) {
        stopped.timeout++;
        throw new ExtractionError('EXTRACTION_TIMEOUT', `extraction took longer than ${config.timeoutMs} ms (EXTRACT_TIMEOUT_MS); its worker was stopped`);
      }
      if (signal?.aborted) {
        stopped.cancelled++;
        throw new ClientClosedError();
      }
      if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
        stopped.memory++;
        throw new ExtractionError('EXTRACTION_RESOURCE_LIMIT', `extraction needed more than ${config.maxHeapMb} MB of heap (EXTRACT_MAX_HEAP_MB); its worker was stopped`);
      }
      stopped.crash++;
      return { ok: false, error: err, retryable: sent.retryable };
    } finally {
      if (started) running--;
      else waiting--;
      clearTimeout(timer);
      port1.close();
      signal?.removeEventListener('abort', onClientGone);
    }
  }

  function crashError(err: unknown, why: string): ExtractionError {
    log('extraction worker failed', err);
    const message = err instanceof Error ? err.message : String(err);
    return new ExtractionError('EXTRACTION_FAILED', `the extraction worker died while parsing this file (${message}); ${why}`);
  }

  return {
    stopped,
    get queueSize() {
      return waiting;
    },
    get running() {
      return running;
    },
    get workers() {
      return pool.threads.length;
    },
    async extract(task, signal) {
      if (signal?.aborted) throw new ClientClosedError();
      if (running + waiting >= config.workers + config.queueMax) {
        stopped.busy++;
        throw new ExtractionBusyError(RETRY_AFTER_SECONDS);
      }
      // A worker that dies under a task may have been killed by something else (a late failure
      // of an earlier task, a fault of the thread): the task gets one more try on a fresh worker.
      // Dying twice under the same file is the file's doing.
      const first = await attempt(task, signal);
      if (first.ok) return first.value;
      if (!first.retryable) throw crashError(first.error, 'it was not retried (a large in-memory body is moved to its worker, not copied)');
      log('extraction worker died; retrying its task once on a fresh worker', first.error);
      const second = await attempt(task, signal);
      if (second.ok) return second.value;
      throw crashError(second.error, 'the file stopped a fresh worker too, so the file is the cause');
    },
    close: () => pool.destroy(),
  };
}
