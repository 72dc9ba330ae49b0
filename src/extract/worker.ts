import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { workerData, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { GatewayError, type ErrorCode } from '../errors/index.js';
import { buildDocument, type BuiltDocument, type ExtractionTask } from './build-document.js';
import { installMemoryGuard, memoryLimitHit, resetMemoryGuard } from './memory-guard.js';
import type { PdfEngineChoice } from './pdf/extract-pdf.js';
import { setOcrStartedListener, type OcrOptions } from './ocr/options.js';
import { loadPdfium } from './pdf/pdfium-engine.js';
import { loadPdfJs } from './pdf/pdfjs-engine.js';
import { dispatchStrayRejection } from './stray-rejections.js';

/** What the pool tells every worker at start. */
export interface ExtractionWorkerData {
  /** EXTRACT_MAX_BUFFER_MB in bytes: memory outside the heap one parse may hold. */
  readonly maxBufferBytes: number;
  /** PDF_ENGINE. */
  readonly pdfEngine: PdfEngineChoice;
  /** OCR, OCR_MAX_PAGES, OCR_MAX_MEGAPIXELS, OCR_TIMEOUT_MS. */
  readonly ocr: OcrOptions;
}

const options = workerData as ExtractionWorkerData;

/**
 * Parsing runs at a lower CPU priority (nice 10) than the event loop. With both cores parsing, the
 * main thread waited for a core like any other thread, and its GC pauses (a mark-compact of its
 * ~14 MB heap, forced by the external memory of incoming request bodies) stretched to 55-65 ms of
 * event-loop delay; with the workers niced, 36-37 ms (8 concurrent 10 MB PDFs, 2 workers, 2 cores;
 * the bench's memory phase). The main thread uses a few % of the CPU, so parsing loses nothing.
 */
const WORKER_NICE = 10;

/**
 * Lowers this thread's priority where the OS allows it per thread: on Linux, setpriority() given a
 * thread id changes that thread only (the id from /proc/thread-self). Elsewhere nothing changes.
 */
function lowerThreadPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isSafeInteger(tid) && tid > 0) os.setPriority(tid, WORKER_NICE);
  } catch {
    // not Linux, or not permitted: parse at normal priority
  }
}

lowerThreadPriority();
installMemoryGuard(options.maxBufferBytes);

/**
 * A parser may leave a promise rejection behind that nothing awaits (pdf.js does for some damaged
 * files, after the document has been answered, and when its outline walk overflows the stack). By
 * default an unhandled rejection ends a worker thread — and with it whatever upload that worker
 * was parsing next, someone else's. Here it goes to the parse that is running (which fails, or
 * does without the part that failed), or is dropped when it belongs to a parse already answered.
 * (Uncaught exceptions still end the worker; the pool retries the task it was running.)
 */
process.on('unhandledRejection', dispatchStrayRejection);

/** Two turns of the event loop: rejections an engine's clean-up leaves behind surface now. */
const settle = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
// The engine is loaded while the worker waits for its first task (a failure surfaces in that
// task's parse). In auto mode pdf.js, the fallback, loads on first use: most workers never need it.
if (options.pdfEngine === 'pdfjs') loadPdfJs().catch(() => {});
else loadPdfium().catch(() => {});

export interface WorkerInput {
  readonly task: ExtractionTask;
  /**
   * Told when the parse starts ('started'), so that the time limit counts parsing, not queueing,
   * and when it starts OCR ('ocr'), which has a time limit of its own.
   */
  readonly started: MessagePort;
}

/** Errors cross the thread boundary as data: the pool rebuilds them as their code's class (errorFromCode). */
export type WorkerOutput =
  | { readonly ok: true; readonly value: BuiltDocument }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly extra: Record<string, unknown> };

/** What piscina.move() wraps: piscina hands the main thread its value, with the buffers moved. */
type Moved = ReturnType<typeof Piscina.move>;

/** The piscina worker: one parse per call. */
export default async function extractInWorker({ task, started }: WorkerInput): Promise<WorkerOutput | Moved> {
  started.postMessage('started');
  // Kept open until the answer: OCR says on it when it starts (its time has its own limit).
  setOcrStartedListener(() => started.postMessage('ocr'));
  resetMemoryGuard();
  try {
    const value = await buildDocument(task, { pdfEngine: options.pdfEngine, ocr: options.ocr });
    const limit = memoryLimitHit();
    if (limit) return resourceLimit(limit.message);
    return movingDocument({ ok: true, value });
  } catch (err) {
    // The engine may have turned the refused allocation into an error of its own ("bad stream").
    const limit = memoryLimitHit();
    if (limit) return resourceLimit(limit.message);
    if (err instanceof GatewayError) return { ok: false, code: err.code, message: err.message, extra: { ...err.extra } };
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, code: 'EXTRACTION_FAILED', message: `the file could not be extracted: ${why}`, extra: {} };
  } finally {
    // The engine's document is destroyed by now; its pending promises settle before the answer.
    await settle();
    setOcrStartedListener(null);
    started.close();
  }
}

function resourceLimit(why: string): WorkerOutput {
  return { ok: false, code: 'EXTRACTION_RESOURCE_LIMIT', message: `${why} (EXTRACT_MAX_BUFFER_MB); the parse was stopped`, extra: {} };
}

/**
 * The packed Document is moved to the main thread, not copied (structured clone copied it twice:
 * into the message here and out of it on the event loop). piscina unwraps the value and
 * transfers the listed buffer.
 */
function movingDocument(output: WorkerOutput & { ok: true }): Moved {
  const { bytes, encoding } = output.value.document;
  const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes); // a copy (Buffer#slice is a view)
  const value: WorkerOutput = { ok: true, value: { ...output.value, document: { bytes: owned, encoding } } };
  const transferable = { [Piscina.transferableSymbol]: [owned.buffer], [Piscina.valueSymbol]: value };
  return Piscina.move(transferable as unknown as Parameters<typeof Piscina.move>[0]);
}
