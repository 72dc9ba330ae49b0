import { GatewayError } from './gateway-error.js';
import type { Retryable } from './retryable.js';

/** Why a file could not be turned into a Document. */
export type ExtractionErrorCode =
  | 'ENCRYPTED'
  | 'CORRUPT'
  | 'NO_TEXT'
  | 'DECOMPRESSION_BOMB'
  | 'EXTRACTION_TIMEOUT'
  | 'EXTRACTION_RESOURCE_LIMIT'
  | 'EXTRACTION_FAILED';

/**
 * The file could not be turned into a Document: encrypted, corrupt, no text, a bomb, or the
 * extraction hit its time or memory limit. The message says which.
 */
export class ExtractionError extends GatewayError {
  declare readonly code: ExtractionErrorCode;

  constructor(code: ExtractionErrorCode, message: string) {
    super(code, message);
  }
}

export type ExtractionBusyErrorCode = 'EXTRACTION_BUSY';

/** Every extraction worker is busy and the queue is full: try again shortly. */
export class ExtractionBusyError extends GatewayError implements Retryable {
  declare readonly code: ExtractionBusyErrorCode;

  constructor(readonly retryAfterSeconds: number) {
    super('EXTRACTION_BUSY', 'all extraction workers are busy and the queue is full; retry shortly');
  }
}

/** How a parse took its worker down: past its time limit, past its heap cap, or a crash. */
export type WorkerStopCause = 'timeout' | 'memory' | 'crash';

/**
 * An ExtractionError (EXTRACTION_TIMEOUT, EXTRACTION_RESOURCE_LIMIT or EXTRACTION_FAILED) raised by
 * the pool because the parse's worker was terminated or died, as opposed to the same codes answered
 * by a worker that lived (a buffer cap, OCR's own deadline, a parser error). The batch job runner
 * tries such a file again, up to JOB_MAX_ATTEMPTS, then quarantines it: a worker's death may be
 * the machine's doing (memory pressure, a busy CPU), and a file that keeps killing workers must
 * not keep doing so. Only the main thread raises it (errorFromCode rebuilds plain ExtractionErrors).
 */
export class WorkerStoppedError extends ExtractionError {
  declare readonly code: 'EXTRACTION_TIMEOUT' | 'EXTRACTION_RESOURCE_LIMIT' | 'EXTRACTION_FAILED';

  constructor(
    readonly stopCause: WorkerStopCause,
    message: string,
  ) {
    super(stopCause === 'timeout' ? 'EXTRACTION_TIMEOUT' : stopCause === 'memory' ? 'EXTRACTION_RESOURCE_LIMIT' : 'EXTRACTION_FAILED', message);
  }
}
