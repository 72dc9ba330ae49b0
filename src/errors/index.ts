/**
 * Domain errors. Each carries a stable `code` (the `internalCode` clients see); the HTTP status
 * for every code is decided in one place, src/http/error-status.ts. Nothing below src/http knows
 * about HTTP.
 */
export type ErrorCode =
  | 'INVALID_PARAMETER'
  | 'NOT_MULTIPART'
  | 'MALFORMED_MULTIPART'
  | 'MISSING_FILE'
  | 'TOO_MANY_PARTS'
  | 'INVALID_DOCUMENT_ID'
  | 'INVALID_METADATA'
  | 'INVALID_DOCUMENT'
  | 'INVALID_TEXT'
  | 'EMPTY_FILE'
  | 'CORPUS_NOT_FOUND'
  | 'CORPUS_EXISTS'
  | 'DOCUMENT_NOT_FOUND'
  | 'INVALID_FILTER'
  | 'INVALID_JSON'
  | 'INVALID_PAGE_KEY'
  | 'NOT_ACCEPTABLE'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'METADATA_TOO_LARGE'
  | 'UNSUPPORTED_TYPE'
  | 'TYPE_MISMATCH'
  | 'ENCRYPTED'
  | 'CORRUPT'
  | 'NO_TEXT'
  | 'DECOMPRESSION_BOMB'
  | 'EXTRACTION_TIMEOUT'
  | 'EXTRACTION_RESOURCE_LIMIT'
  | 'EXTRACTION_FAILED'
  | 'EXTRACTION_BUSY'
  | 'UNAVAILABLE'
  | 'REQUEST_TIMEOUT'
  | 'HEADERS_TOO_LARGE'
  | 'MALFORMED_REQUEST'
  | 'QUOTA_EXCEEDED'
  | 'INTERNAL';

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

/** The request is malformed: a parameter, the multipart body, the file or its metadata. */
export class InvalidRequestError extends GatewayError {}

export class AuthenticationError extends GatewayError {
  constructor(message: string) {
    super('UNAUTHENTICATED', message);
  }
}

export class PermissionDeniedError extends GatewayError {
  constructor(message: string) {
    super('PERMISSION_DENIED', message);
  }
}

export class CorpusNotFoundError extends GatewayError {
  constructor(customerId: string, corpusId: string) {
    super('CORPUS_NOT_FOUND', `corpus ${corpusId} does not exist for customer ${customerId}`);
  }
}

export class CorpusExistsError extends GatewayError {
  constructor(customerId: string, corpusId: string) {
    super('CORPUS_EXISTS', `corpus ${corpusId} already exists for customer ${customerId}`);
  }
}

export class DocumentNotFoundError extends GatewayError {
  constructor(documentId: string, corpusId: string) {
    super('DOCUMENT_NOT_FOUND', `document id '${documentId}' is not stored in corpus ${corpusId}`, { document: { documentId } });
  }
}

/** The Accept header asks for a representation this route cannot give. */
export class NotAcceptableError extends GatewayError {
  constructor(accepted: readonly string[]) {
    super('NOT_ACCEPTABLE', `cannot answer in the requested media type; acceptable: ${accepted.join(', ')}`, { acceptable: accepted });
  }
}

/**
 * Another document is stored under this id. The details text and the `document` field are a
 * client contract: vectara-ingest regex-matches "document id '<ID>'", LangChain/LlamaIndex read
 * `document.documentId`.
 */
export class ConflictError extends GatewayError {
  constructor(readonly documentId: string) {
    super(
      'CONFLICT',
      `document id '${documentId}' already exists with different content; delete it first to replace it`,
      { document: { documentId } },
    );
  }
}

export type QuotaScope = 'corpus' | 'customer';
export type QuotaUnit = 'chars' | 'documents';

export class QuotaExceededError extends GatewayError {
  constructor(info: { scope: QuotaScope; unit: QuotaUnit; limit: number; used: number; needed: number }) {
    super(
      'QUOTA_EXCEEDED',
      `${info.scope} quota exceeded: ${info.needed} ${info.unit} needed, ` +
        `${info.used} of ${info.limit} already used`,
      info,
    );
  }
}

export class PayloadTooLargeError extends GatewayError {
  constructor(message: string, code: 'PAYLOAD_TOO_LARGE' | 'METADATA_TOO_LARGE' = 'PAYLOAD_TOO_LARGE') {
    super(code, message);
  }
}

export class UnsupportedTypeError extends GatewayError {
  constructor(message: string, supportedTypes: readonly string[], detectedType?: string) {
    super('UNSUPPORTED_TYPE', message, { supportedTypes, ...(detectedType ? { detectedType } : {}) });
  }
}

/** The file's name promises one type (.pdf, .docx) and its content is another. */
export class TypeMismatchError extends GatewayError {
  constructor(extension: string, detectedType: string, description: string) {
    super('TYPE_MISMATCH', `the file is named ${extension} but its content is ${description} (${detectedType})`, {
      detectedType,
    });
  }
}

/**
 * The file could not be turned into a Document: encrypted, corrupt, no text, a bomb, or the
 * extraction hit its time or memory limit. The message says which.
 */
export type ExtractionErrorCode =
  | 'ENCRYPTED'
  | 'CORRUPT'
  | 'NO_TEXT'
  | 'DECOMPRESSION_BOMB'
  | 'EXTRACTION_TIMEOUT'
  | 'EXTRACTION_RESOURCE_LIMIT'
  | 'EXTRACTION_FAILED';

export class ExtractionError extends GatewayError {
  constructor(code: ExtractionErrorCode, message: string) {
    super(code, message);
  }
}

/** An error the client should retry later: the answer carries `Retry-After`. */
export interface Retryable {
  readonly retryAfterSeconds: number;
}

export function isRetryable(err: unknown): err is GatewayError & Retryable {
  return err instanceof GatewayError && typeof (err as Partial<Retryable>).retryAfterSeconds === 'number';
}

/** Every extraction worker is busy and the queue is full: try again shortly. */
export class ExtractionBusyError extends GatewayError implements Retryable {
  constructor(readonly retryAfterSeconds: number) {
    super('EXTRACTION_BUSY', 'all extraction workers are busy and the queue is full; retry shortly');
  }
}

/**
 * Something the gateway depends on cannot answer now (the database is locked or gone, the JWKS
 * cannot be fetched): nothing was done, and the same request may succeed later.
 */
export class UnavailableError extends GatewayError implements Retryable {
  constructor(
    message: string,
    readonly retryAfterSeconds: number = 5,
  ) {
    super('UNAVAILABLE', message);
  }
}

/** The client sent its request too slowly (no progress, or past the whole-request deadline). */
export class RequestTimeoutError extends GatewayError {
  constructor(message: string) {
    super('REQUEST_TIMEOUT', message);
  }
}

/** The request's headers are larger than the server parses (HTTP's own limit, before any route). */
export class HeadersTooLargeError extends GatewayError {
  constructor(limitBytes: number) {
    super('HEADERS_TOO_LARGE', `the request headers are larger than the limit of ${limitBytes} bytes (e.g. a huge token or cookie)`);
  }
}

/** The bytes on the connection are not a valid HTTP/1.1 request (request line, headers, chunking). */
export class MalformedRequestError extends GatewayError {
  constructor(reason: string) {
    super('MALFORMED_REQUEST', `the HTTP request cannot be parsed: ${reason}`);
  }
}

export class RouteNotFoundError extends GatewayError {
  constructor(method: string, path: string) {
    super('NOT_FOUND', `no route for ${method} ${path}`);
  }
}

export class MethodNotAllowedError extends GatewayError {
  constructor(
    method: string,
    path: string,
    readonly allowed: readonly string[],
  ) {
    super('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${allowed.join(', ')}`);
  }
}

/** The client went away before the request was read; nothing is answered or stored. */
export class ClientClosedError extends Error {
  constructor() {
    super('client closed the connection before the request was complete');
    this.name = 'ClientClosedError';
  }
}
