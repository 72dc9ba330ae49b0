import type { AuthenticationErrorCode, PermissionDeniedErrorCode } from './access.js';
import type { ApiKeyNotFoundErrorCode, ConflictErrorCode, CorpusExistsErrorCode, CorpusNotFoundErrorCode, DocumentNotFoundErrorCode, JobProcessingErrorCode, QuotaExceededErrorCode } from './catalog.js';
import type { ExtractionBusyErrorCode, ExtractionErrorCode } from './extraction.js';
import type {
  HeadersTooLargeErrorCode,
  MalformedRequestErrorCode,
  MethodNotAllowedErrorCode,
  RequestTimeoutErrorCode,
  RouteNotFoundErrorCode,
} from './protocol.js';
import type { InvalidRequestErrorCode, NotAcceptableErrorCode, PayloadTooLargeErrorCode, TypeMismatchErrorCode, UnsupportedTypeErrorCode } from './request.js';
import type { UnavailableErrorCode } from './retryable.js';
import type { RateLimitedErrorCode } from './rate-limit.js';
import type { JobNotFoundErrorCode, JobNotRetryableErrorCode } from './jobs.js';

/** The code of a bug: the cause is logged, never sent. Raised as a plain GatewayError. */
export type InternalErrorCode = 'INTERNAL';

/**
 * Every code a client may see as `internalCode`: the union of the codes each error class owns.
 * errorFromCode (from-code.ts) knows the class of each.
 */
export type ErrorCode =
  | InvalidRequestErrorCode
  | PayloadTooLargeErrorCode
  | UnsupportedTypeErrorCode
  | TypeMismatchErrorCode
  | NotAcceptableErrorCode
  | AuthenticationErrorCode
  | PermissionDeniedErrorCode
  | CorpusNotFoundErrorCode
  | CorpusExistsErrorCode
  | ApiKeyNotFoundErrorCode
  | DocumentNotFoundErrorCode
  | ConflictErrorCode
  | JobProcessingErrorCode
  | QuotaExceededErrorCode
  | ExtractionErrorCode
  | ExtractionBusyErrorCode
  | UnavailableErrorCode
  | RateLimitedErrorCode
  | RequestTimeoutErrorCode
  | HeadersTooLargeErrorCode
  | MalformedRequestErrorCode
  | RouteNotFoundErrorCode
  | MethodNotAllowedErrorCode
  | JobNotFoundErrorCode
  | JobNotRetryableErrorCode
  | InternalErrorCode;

/**
 * A domain error: a stable `code` (the `internalCode` clients see), a message (their `details`)
 * and extra fields for the JSON body. The HTTP status of every code is decided in one place,
 * src/http/error-status.ts; nothing below src/http knows about HTTP. Subclasses narrow `code` to
 * the codes they own.
 */
export class GatewayError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra fields added to the JSON error body next to httpCode/internalCode/details. */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
