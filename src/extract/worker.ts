import type { MessagePort } from 'node:worker_threads';
import { GatewayError, type ErrorCode } from '../errors/index.js';
import { buildDocument, type BuiltDocument, type ExtractionTask } from './build-document.js';

export interface WorkerInput {
  readonly task: ExtractionTask;
  /** Told when the parse starts, so that the time limit counts parsing, not queueing. */
  readonly started: MessagePort;
}

/** Errors cross the thread boundary as data: the pool turns them back into GatewayErrors. */
export type WorkerOutput =
  | { readonly ok: true; readonly value: BuiltDocument }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly extra: Record<string, unknown> };

/** The piscina worker: one parse per call. */
export default async function extractInWorker({ task, started }: WorkerInput): Promise<WorkerOutput> {
  started.postMessage('started');
  started.close();
  try {
    return { ok: true, value: await buildDocument(task) };
  } catch (err) {
    if (err instanceof GatewayError) return { ok: false, code: err.code, message: err.message, extra: { ...err.extra } };
    const why = err instanceof Error ? err.message : String(err);
    return { ok: false, code: 'EXTRACTION_FAILED', message: `the file could not be extracted: ${why}`, extra: {} };
  }
}
