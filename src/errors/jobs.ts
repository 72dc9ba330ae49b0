import { GatewayError } from './gateway-error.js';

export type JobNotFoundErrorCode = 'JOB_NOT_FOUND';

/** No batch job with this id (for an operator, in any corpus). */
export class JobNotFoundError extends GatewayError {
  declare readonly code: JobNotFoundErrorCode;

  constructor(jobId: string) {
    super('JOB_NOT_FOUND', `no batch job with id ${jobId}`);
  }
}

export type JobNotRetryableErrorCode = 'JOB_NOT_RETRYABLE';

/** Only a failed job can be re-queued: a queued, processing or done one is left as it is. */
export class JobNotRetryableError extends GatewayError {
  declare readonly code: JobNotRetryableErrorCode;

  constructor(jobId: string, status: string) {
    super('JOB_NOT_RETRYABLE', `job ${jobId} is ${status}, not failed: only a failed job can be retried`);
  }
}
