/**
 * Domain errors. Each class owns the codes it may carry (the `internalCode` clients see) and
 * ErrorCode is their union; the HTTP status of every code is decided in one place,
 * src/http/error-status.ts. Nothing below src/http knows about HTTP.
 */
export { GatewayError, type ErrorCode, type InternalErrorCode } from './gateway-error.js';
export {
  InvalidRequestError,
  NotAcceptableError,
  PayloadTooLargeError,
  TypeMismatchError,
  UnsupportedTypeError,
  type InvalidRequestErrorCode,
  type NotAcceptableErrorCode,
  type PayloadTooLargeErrorCode,
  type TypeMismatchErrorCode,
  type UnsupportedTypeErrorCode,
} from './request.js';
export { AuthenticationError, PermissionDeniedError, type AuthenticationErrorCode, type PermissionDeniedErrorCode } from './access.js';
export {
  ConflictError,
  CorpusExistsError,
  CorpusNotFoundError,
  DocumentNotFoundError,
  JobProcessingError,
  QuotaExceededError,
  ApiKeyNotFoundError,
  type ApiKeyNotFoundErrorCode,
  type ConflictErrorCode,
  type CorpusExistsErrorCode,
  type CorpusNotFoundErrorCode,
  type DocumentNotFoundErrorCode,
  type JobProcessingErrorCode,
  type QuotaExceededErrorCode,
  type QuotaScope,
  type QuotaUnit,
} from './catalog.js';
export { ExtractionBusyError, ExtractionError, WorkerStoppedError, type ExtractionBusyErrorCode, type ExtractionErrorCode, type WorkerStopCause } from './extraction.js';
export { RateLimitedError, type RateLimitedErrorCode } from './rate-limit.js';
export { isRetryable, UnavailableError, type Retryable, type UnavailableErrorCode } from './retryable.js';
export {
  ClientClosedError,
  HeadersTooLargeError,
  MalformedRequestError,
  MethodNotAllowedError,
  RequestTimeoutError,
  RouteNotFoundError,
  type HeadersTooLargeErrorCode,
  type MalformedRequestErrorCode,
  type MethodNotAllowedErrorCode,
  type RequestTimeoutErrorCode,
  type RouteNotFoundErrorCode,
} from './protocol.js';
export { JobNotFoundError, JobNotRetryableError, type JobNotFoundErrorCode, type JobNotRetryableErrorCode } from './jobs.js';
export { errorFromCode } from './from-code.js';
