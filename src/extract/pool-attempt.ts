import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import type { ExtractConfig } from '../config/index.js';
import { ClientClosedError, errorFromCode, GatewayError, WorkerStoppedError } from '../errors/index.js';
import type { BuiltDocument, ExtractionTask } from './build-document.js';
import type { WorkerInput, WorkerOutput } from './worker.js';

/** Why a parse was stopped early (a running one had its worker terminated). */
export type StopReason = 'timeout' | 'memory' | 'cancelled' | 'crash' | 'busy';

/** What one attempt needs of its pool. */
export interface PoolState {
  readonly pool: Piscina<WorkerInput, WorkerOutput>;
  readonly config: ExtractConfig;
  readonly stopped: Record<StopReason, number>;
  /** Tasks waiting for a worker, and running in one. */
  readonly load: { waiting: number; running: number };
}

/** A run's answer, or the death of its worker (which the retry policy judges). */
export type Attempt = { ok: true; value: BuiltDocument } | { ok: false; error: unknown; retryable: boolean };

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

interface Watch {
  /** Aborts the run: the time limit passed, or the client went away. */
  readonly signal: AbortSignal;
  /** Goes to the worker, which posts on it when the parse starts ('started') and when it starts OCR ('ocr'). */
  readonly startedPort: MessagePort;
  timedOut(): boolean;
  /** The parse started OCR: its time limit grew by OCR_TIMEOUT_MS. */
  ocrStarted(): boolean;
  /** Ends the bookkeeping, however the run ended. */
  release(): void;
}

/**
 * One attempt's bookkeeping: counted as waiting until its worker says the parse started, then as
 * running, against the time limit from that moment on (EXTRACT_TIMEOUT_MS). A parse that starts
 * OCR says so, and its limit grows by OCR_TIMEOUT_MS: OCR's time is counted against its own
 * allowance (the worker also stops OCR itself once that allowance is spent), while a parse
 * without OCR keeps EXTRACT_TIMEOUT_MS alone.
 */
function watchAttempt(load: PoolState['load'], config: ExtractConfig, clientSignal: AbortSignal | undefined): Watch {
  load.waiting++;
  let started = false;
  let ocr = false;
  let startedAt = 0;
  const controller = new AbortController();
  const { port1, port2 } = new MessageChannel();
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const limitAfter = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, ms);
  };
  port1.on('message', (message: unknown) => {
    if (message === 'ocr') {
      if (!started || ocr) return;
      ocr = true;
      limitAfter(startedAt + config.timeoutMs + config.ocrTimeoutMs - performance.now());
      return;
    }
    if (started) return;
    started = true;
    startedAt = performance.now();
    load.waiting--;
    load.running++;
    limitAfter(config.timeoutMs);
  });
  const onClientGone = () => controller.abort();
  clientSignal?.addEventListener('abort', onClientGone, { once: true });
  return {
    signal: controller.signal,
    startedPort: port2,
    timedOut: () => timedOut,
    ocrStarted: () => ocr,
    release() {
      if (started) load.running--;
      else load.waiting--;
      clearTimeout(timer);
      port1.close();
      clientSignal?.removeEventListener('abort', onClientGone);
    },
  };
}

/**
 * The error a failed run answers with, its stop counted: the worker's own GatewayError, the time
 * limit, the client gone, the heap cap. Null when the worker died of something else (a crash).
 */
function stopError(state: PoolState, err: unknown, timedOut: boolean, ocrStarted: boolean, clientSignal: AbortSignal | undefined): Error | null {
  const { config, stopped } = state;
  if (err instanceof GatewayError) return err;
  if (timedOut) {
    stopped.timeout++;
    const limit = ocrStarted ? `${config.timeoutMs + config.ocrTimeoutMs} ms (EXTRACT_TIMEOUT_MS + OCR_TIMEOUT_MS)` : `${config.timeoutMs} ms (EXTRACT_TIMEOUT_MS)`;
    return new WorkerStoppedError('timeout', `extraction took longer than ${limit}; its worker was stopped`);
  }
  if (clientSignal?.aborted) {
    stopped.cancelled++;
    return new ClientClosedError();
  }
  if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    stopped.memory++;
    return new WorkerStoppedError('memory', `extraction needed more than ${config.maxHeapMb} MB of heap (EXTRACT_MAX_HEAP_MB); its worker was stopped`);
  }
  return null;
}

/** One run in a worker: its answer, a GatewayError thrown, or the worker's death returned. */
export async function runAttempt(state: PoolState, task: ExtractionTask, clientSignal: AbortSignal | undefined): Promise<Attempt> {
  const sent = dispatch(task);
  const watch = watchAttempt(state.load, state.config, clientSignal);
  try {
    const output = await state.pool.run(
      { task: sent.task, started: watch.startedPort },
      { signal: watch.signal, transferList: [watch.startedPort, ...sent.transferList] },
    );
    if (!output.ok) throw errorFromCode(output.code, output.message, output.extra);
    return { ok: true, value: output.value };
  } catch (err) {
    const stop = stopError(state, err, watch.timedOut(), watch.ocrStarted(), clientSignal);
    if (stop) throw stop;
    state.stopped.crash++;
    return { ok: false, error: err, retryable: sent.retryable };
  } finally {
    watch.release();
  }
}
