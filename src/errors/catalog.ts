import { GatewayError } from './gateway-error.js';

export type CorpusNotFoundErrorCode = 'CORPUS_NOT_FOUND';

export class CorpusNotFoundError extends GatewayError {
  declare readonly code: CorpusNotFoundErrorCode;

  constructor(customerId: string, corpusId: string) {
    super('CORPUS_NOT_FOUND', `corpus ${corpusId} does not exist for customer ${customerId}`);
  }
}

export type CorpusExistsErrorCode = 'CORPUS_EXISTS';

export class CorpusExistsError extends GatewayError {
  declare readonly code: CorpusExistsErrorCode;

  constructor(customerId: string, corpusId: string) {
    super('CORPUS_EXISTS', `corpus ${corpusId} already exists for customer ${customerId}`);
  }
}

export type DocumentNotFoundErrorCode = 'DOCUMENT_NOT_FOUND';

export class DocumentNotFoundError extends GatewayError {
  declare readonly code: DocumentNotFoundErrorCode;

  constructor(documentId: string, corpusId: string) {
    super('DOCUMENT_NOT_FOUND', `document id '${documentId}' is not stored in corpus ${corpusId}`, { document: { documentId } });
  }
}

export type ApiKeyNotFoundErrorCode = 'API_KEY_NOT_FOUND';

/** No API key with this id, or none the caller may manage (another customer's is not disclosed). */
export class ApiKeyNotFoundError extends GatewayError {
  declare readonly code: ApiKeyNotFoundErrorCode;

  constructor(keyId: string) {
    super('API_KEY_NOT_FOUND', `no API key with id ${keyId}`);
  }
}

export type ConflictErrorCode = 'CONFLICT';

/**
 * Another document is stored under this id. The details text and the `document` field are a
 * client contract: vectara-ingest regex-matches "document id '<ID>'", LangChain/LlamaIndex read
 * `document.documentId`.
 */
export class ConflictError extends GatewayError {
  declare readonly code: ConflictErrorCode;

  constructor(readonly documentId: string) {
    super(
      'CONFLICT',
      `document id '${documentId}' already exists with different content; delete it first to replace it`,
      { document: { documentId } },
    );
  }
}

export type JobProcessingErrorCode = 'JOB_PROCESSING';

/**
 * A batch job asked to be deleted while it is being extracted: deleting it then could leave a
 * Document stored after its job was gone. The client deletes it once it is done or failed.
 */
export class JobProcessingError extends GatewayError {
  declare readonly code: JobProcessingErrorCode;

  constructor(jobId: string) {
    super('JOB_PROCESSING', `document ${jobId} is being processed; delete it once it is done or failed`);
  }
}

export type QuotaScope = 'corpus' | 'customer';
export type QuotaUnit = 'chars' | 'documents';
export type QuotaExceededErrorCode = 'QUOTA_EXCEEDED';

export class QuotaExceededError extends GatewayError {
  declare readonly code: QuotaExceededErrorCode;

  /**
   * `reserved`: how many of the `used` documents are reserved by batch jobs not stored yet; the
   * message says so, the body's `used` counts them (what is taken, as the limit sees it).
   */
  constructor(info: { scope: QuotaScope; unit: QuotaUnit; limit: number; used: number; needed: number; reserved?: number }) {
    const { reserved = 0, ...extra } = info;
    super(
      'QUOTA_EXCEEDED',
      `${info.scope} quota exceeded: ${info.needed} ${info.unit} needed, ` +
        `${info.used} of ${info.limit} already used` +
        (reserved > 0 ? ` (${reserved} of them reserved by batch jobs not extracted yet)` : ''),
      extra,
    );
  }
}
