import { GatewayError } from './gateway-error.js';

/** What is wrong with a request's parameters, body, file or metadata. */
export type InvalidRequestErrorCode =
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
  | 'INVALID_FILTER'
  | 'INVALID_JSON'
  | 'INVALID_PAGE_KEY';

/** The request is malformed: a parameter, the multipart body, the file or its metadata. */
export class InvalidRequestError extends GatewayError {
  declare readonly code: InvalidRequestErrorCode;

  constructor(code: InvalidRequestErrorCode, message: string, extra?: Readonly<Record<string, unknown>>) {
    super(code, message, extra);
  }
}

export type PayloadTooLargeErrorCode = 'PAYLOAD_TOO_LARGE' | 'METADATA_TOO_LARGE';

export class PayloadTooLargeError extends GatewayError {
  declare readonly code: PayloadTooLargeErrorCode;

  constructor(message: string, code: PayloadTooLargeErrorCode = 'PAYLOAD_TOO_LARGE') {
    super(code, message);
  }
}

export type UnsupportedTypeErrorCode = 'UNSUPPORTED_TYPE';

export class UnsupportedTypeError extends GatewayError {
  declare readonly code: UnsupportedTypeErrorCode;

  constructor(message: string, supportedTypes: readonly string[], detectedType?: string) {
    super('UNSUPPORTED_TYPE', message, { supportedTypes, ...(detectedType ? { detectedType } : {}) });
  }
}

export type TypeMismatchErrorCode = 'TYPE_MISMATCH';

/** The file's name promises one type (.pdf, .docx) and its content is another. */
export class TypeMismatchError extends GatewayError {
  declare readonly code: TypeMismatchErrorCode;

  constructor(extension: string, detectedType: string, description: string) {
    super('TYPE_MISMATCH', `the file is named ${extension} but its content is ${description} (${detectedType})`, {
      detectedType,
    });
  }
}

export type NotAcceptableErrorCode = 'NOT_ACCEPTABLE';

/** The Accept header asks for a representation this route cannot give. */
export class NotAcceptableError extends GatewayError {
  declare readonly code: NotAcceptableErrorCode;

  constructor(accepted: readonly string[]) {
    super('NOT_ACCEPTABLE', `cannot answer in the requested media type; acceptable: ${accepted.join(', ')}`, { acceptable: accepted });
  }
}
