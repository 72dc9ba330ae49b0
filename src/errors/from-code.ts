import { AuthenticationError, PermissionDeniedError } from './access.js';
import { ApiKeyNotFoundError, ConflictError, CorpusExistsError, CorpusNotFoundError, DocumentNotFoundError, JobProcessingError, QuotaExceededError } from './catalog.js';
import { ExtractionBusyError, ExtractionError } from './extraction.js';
import { GatewayError, type ErrorCode } from './gateway-error.js';
import { HeadersTooLargeError, MalformedRequestError, MethodNotAllowedError, RequestTimeoutError, RouteNotFoundError } from './protocol.js';
import { InvalidRequestError, NotAcceptableError, PayloadTooLargeError, TypeMismatchError, UnsupportedTypeError } from './request.js';
import { UnavailableError } from './retryable.js';
import { RateLimitedError } from './rate-limit.js';
import { JobNotFoundError, JobNotRetryableError } from './jobs.js';

type ErrorClass = abstract new (...args: never[]) => GatewayError;

/** The class that owns each code. */
const OWNERS = {
  INVALID_PARAMETER: InvalidRequestError,
  NOT_MULTIPART: InvalidRequestError,
  MALFORMED_MULTIPART: InvalidRequestError,
  MISSING_FILE: InvalidRequestError,
  TOO_MANY_PARTS: InvalidRequestError,
  INVALID_DOCUMENT_ID: InvalidRequestError,
  INVALID_METADATA: InvalidRequestError,
  INVALID_DOCUMENT: InvalidRequestError,
  INVALID_TEXT: InvalidRequestError,
  EMPTY_FILE: InvalidRequestError,
  INVALID_FILTER: InvalidRequestError,
  INVALID_JSON: InvalidRequestError,
  INVALID_PAGE_KEY: InvalidRequestError,
  PAYLOAD_TOO_LARGE: PayloadTooLargeError,
  METADATA_TOO_LARGE: PayloadTooLargeError,
  UNSUPPORTED_TYPE: UnsupportedTypeError,
  TYPE_MISMATCH: TypeMismatchError,
  NOT_ACCEPTABLE: NotAcceptableError,
  UNAUTHENTICATED: AuthenticationError,
  PERMISSION_DENIED: PermissionDeniedError,
  CORPUS_NOT_FOUND: CorpusNotFoundError,
  CORPUS_EXISTS: CorpusExistsError,
  DOCUMENT_NOT_FOUND: DocumentNotFoundError,
  API_KEY_NOT_FOUND: ApiKeyNotFoundError,
  CONFLICT: ConflictError,
  JOB_PROCESSING: JobProcessingError,
  QUOTA_EXCEEDED: QuotaExceededError,
  ENCRYPTED: ExtractionError,
  CORRUPT: ExtractionError,
  NO_TEXT: ExtractionError,
  DECOMPRESSION_BOMB: ExtractionError,
  EXTRACTION_TIMEOUT: ExtractionError,
  EXTRACTION_RESOURCE_LIMIT: ExtractionError,
  EXTRACTION_FAILED: ExtractionError,
  EXTRACTION_BUSY: ExtractionBusyError,
  UNAVAILABLE: UnavailableError,
  RATE_LIMITED: RateLimitedError,
  REQUEST_TIMEOUT: RequestTimeoutError,
  HEADERS_TOO_LARGE: HeadersTooLargeError,
  MALFORMED_REQUEST: MalformedRequestError,
  NOT_FOUND: RouteNotFoundError,
  METHOD_NOT_ALLOWED: MethodNotAllowedError,
  JOB_NOT_FOUND: JobNotFoundError,
  JOB_NOT_RETRYABLE: JobNotRetryableError,
  INTERNAL: GatewayError,
} as const satisfies Record<ErrorCode, ErrorClass>;

// A compile-time check: a code given to a class whose `code` type does not include it is named here.
type Misowned = { [C in ErrorCode]: C extends InstanceType<(typeof OWNERS)[C]>['code'] ? never : C }[ErrorCode];
const everyOwnerOwnsItsCodes: [Misowned] extends [never] ? true : Misowned = true;
void everyOwnerOwnsItsCodes;

/**
 * An error that crossed a thread boundary as data (code, message, extra), rebuilt as an instance
 * of the class that owns its code: `instanceof ExtractionError` holds again after the worker hop.
 * The owner's own constructor does not run (its arguments did not cross; what it made of them is
 * in message and extra): GatewayError's runs with the owner as new.target, which gives the
 * prototype and the name. State a class keeps besides code, message and extra (retryAfterSeconds,
 * allowed, documentId) is not rebuilt: the errors that keep some are raised on the main thread.
 */
export function errorFromCode(code: ErrorCode, message: string, extra: Readonly<Record<string, unknown>> = {}): GatewayError {
  return Reflect.construct(GatewayError, [code, message, extra], OWNERS[code]) as GatewayError;
}
