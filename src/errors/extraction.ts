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
