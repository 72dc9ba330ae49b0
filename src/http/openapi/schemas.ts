import type { ErrorCode } from '../../errors/index.js';
import { STATUS_BY_CODE } from '../error-status.js';
import { BATCH_SCHEMAS } from './batch-schemas.js';

/** JSON Schemas (2020-12, as OpenAPI 3.1 uses) of every body the gateway sends. */
type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const int64String: Schema = { type: 'string', pattern: '^-?\\d+$', description: 'int64 as a decimal string (proto3 JSON)' };
const object = (properties: Record<string, Schema>, required: string[] = [], extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
  ...extra,
});

/** Codes answered with this HTTP status, from the one status map. */
export function codesWithStatus(status: number): ErrorCode[] {
  return (Object.entries(STATUS_BY_CODE) as [ErrorCode, number][]).filter(([, s]) => s === status).map(([code]) => code);
}

const customDims: Schema = { type: 'array', items: object({ name: { type: 'string' }, value: { type: 'number' } }) };
const usage = object(
  {
    scope: { enum: ['corpus', 'customer'] },
    used_chars: { type: 'integer', description: 'text + metadata characters charged' },
    used_text_chars: { type: 'integer' },
    used_metadata_chars: { type: 'integer' },
    used_docs: { type: 'integer' },
    reserved_docs: { type: 'integer', minimum: 0, description: 'documents reserved by queued or processing batch jobs; they count against max_docs' },
    max_chars: { oneOf: [{ type: 'integer' }, { const: 'unlimited' }], description: 'limit in force: its own, else the configured default' },
    max_docs: { oneOf: [{ type: 'integer' }, { const: 'unlimited' }] },
    own_max_chars: { oneOf: [{ type: 'integer' }, { const: 'unlimited' }, { type: 'null' }], description: "the scope's own setting; null = the configured default" },
    own_max_docs: { oneOf: [{ type: 'integer' }, { const: 'unlimited' }, { type: 'null' }] },
  },
  ['scope', 'used_chars', 'used_text_chars', 'used_metadata_chars', 'used_docs', 'reserved_docs', 'max_chars', 'max_docs', 'own_max_chars', 'own_max_docs'],
);

export const SCHEMAS: Record<string, Schema> = {
  ...BATCH_SCHEMAS,
  Error: object(
    {
      httpCode: { type: 'integer' },
      internalCode: { enum: Object.keys(STATUS_BY_CODE) },
      details: { type: 'string' },
      document: object({ documentId: { type: 'string' } }, ['documentId'], { description: 'CONFLICT, DOCUMENT_NOT_FOUND' }),
      scope: { enum: ['corpus', 'customer'], description: 'QUOTA_EXCEEDED' },
      unit: { enum: ['chars', 'documents'] },
      limit: { type: 'integer' },
      used: { type: 'integer' },
      needed: { type: 'integer' },
      supportedTypes: { type: 'array', items: { type: 'string' }, description: 'UNSUPPORTED_TYPE' },
      detectedType: { type: 'string', description: 'UNSUPPORTED_TYPE, TYPE_MISMATCH' },
      acceptable: { type: 'array', items: { type: 'string' }, description: 'NOT_ACCEPTABLE' },
      retryAfterSeconds: { type: 'integer', minimum: 1, description: 'RATE_LIMITED (also the Retry-After header)' },
    },
    ['httpCode', 'internalCode', 'details'],
  ),
  Section: object({
    id: { type: 'integer', minimum: 1 },
    title: { type: 'string' },
    text: { type: 'string' },
    metadataJson: { type: 'string', description: 'a JSON object; {"page":N} or {"pages":[from,to]} for extracted PDFs' },
    customDims,
    section: { type: 'array', items: ref('Section') },
  }),
  Document: object(
    {
      documentId: { type: 'string' },
      title: { type: 'string' },
      description: { type: 'string' },
      metadataJson: { type: 'string' },
      customDims,
      section: { type: 'array', items: ref('Section') },
    },
    [],
    { description: 'com.vectara.indexing.Document in proto3 JSON' },
  ),
  Status: object({
    code: { enum: ['OK', 'ALREADY_EXISTS'] },
    statusDetail: { type: 'string' },
  }),
  StorageQuota: object({ numChars: int64String, numMetadataChars: int64String }, ['numChars', 'numMetadataChars']),
  Warning: object({ code: { enum: ['TEXT_GARBLED', 'OWNER_PASSWORD_IGNORED', 'CONTENT_SKIPPED', 'OUTLINE_UNREADABLE', 'RUNNING_TEXT_DROPPED', 'DOCX_READER_WARNING'] }, message: { type: 'string' } }, ['code', 'message']),
  UploadResponse: object(
    {
      response: object({ status: ref('Status'), quotaConsumed: ref('StorageQuota') }, ['status', 'quotaConsumed']),
      document: ref('Document'),
      warnings: { type: 'array', items: ref('Warning') },
    },
    ['response'],
  ),
  IndexResponse: object({ status: ref('Status'), quotaConsumed: ref('StorageQuota') }, ['status', 'quotaConsumed']),
  V1ListResponse: object(
    {
      document: {
        type: 'array',
        items: object(
          { id: { type: 'string' }, metadata: { type: 'array', items: object({ name: { type: 'string' }, value: { type: 'string' } }, ['name', 'value']) } },
          ['id', 'metadata'],
        ),
      },
      nextPageKey: { type: 'string', description: '"" on the last page' },
    },
    ['document', 'nextPageKey'],
  ),
  Empty: object({}),
  DocumentRecord: object(
    {
      id: { type: 'string' },
      title: { type: 'string' },
      metadata: { type: 'object' },
      created_at: { type: 'string', format: 'date-time' },
      charge: object({ num_chars: { type: 'integer' }, num_metadata_chars: { type: 'integer' } }, ['num_chars', 'num_metadata_chars']),
      provenance: object(
        {
          source_sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
          source_size: { type: 'integer' },
          detected_type: { type: 'string' },
          extractor: { type: 'string' },
          extraction_ms: { type: 'number' },
          uploader: { type: 'string' },
        },
        ['source_sha256', 'source_size', 'detected_type', 'extractor', 'extraction_ms', 'uploader'],
      ),
    },
    ['id', 'title', 'metadata', 'created_at', 'charge', 'provenance'],
  ),
  DocumentList: object(
    { documents: { type: 'array', items: ref('DocumentRecord') }, metadata: object({ page_key: { type: 'string' } }, ['page_key']) },
    ['documents', 'metadata'],
  ),
  Usage: usage,
  Corpus: object(
    { id: { type: 'string' }, name: { type: 'string' }, created_at: { type: 'string' }, usage: ref('Usage') },
    ['id', 'name', 'created_at'],
  ),
  Health: object({ status: { const: 'ok' } }, ['status']),
  Readiness: object(
    {
      status: { enum: ['ready', 'not ready', 'draining'] },
      checks: { type: 'object', additionalProperties: { type: 'string' }, description: 'check name → "ok" or what is wrong' },
    },
    ['status', 'checks'],
  ),
  CorpusList: object({ corpora: { type: 'array', items: ref('Corpus') } }, ['corpora']),
  ApiKey: object(
    {
      id: { type: 'string', pattern: '^[0-9a-f]{16}$', description: 'the key id (the key starts cgk_<id>_); never the secret' },
      customer_id: { type: 'string' },
      role: { enum: ['index', 'query', 'admin', 'extractions'] },
      corpus_ids: { type: ['array', 'null'], items: { type: 'string' }, description: 'null: every corpus of the customer' },
      name: { type: 'string' },
      created_at: { type: 'string', format: 'date-time' },
      expires_at: { type: ['string', 'null'], description: 'null: never' },
      revoked_at: { type: ['string', 'null'] },
      state: { enum: ['active', 'revoked', 'expired'] },
    },
    ['id', 'customer_id', 'role', 'corpus_ids', 'name', 'created_at', 'expires_at', 'revoked_at', 'state'],
  ),
  ApiKeyList: object({ api_keys: { type: 'array', items: ref('ApiKey') } }, ['api_keys']),
  CreatedApiKey: object(
    { key: { type: 'string', pattern: '^cgk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$', description: 'the whole key, shown in this answer only' }, api_key: ref('ApiKey') },
    ['key', 'api_key'],
  ),
  Principal: object(
    {
      subject: { type: 'string', description: 'the token\'s sub, or apikey:<key id>' },
      kind: { enum: ['token', 'api_key'] },
      customer_id: { type: ['string', 'null'], description: 'null: the credential names no customer' },
      scopes: { type: 'array', items: { type: 'string' } },
      corpus_ids: { type: ['array', 'null'], items: { type: 'string' }, description: 'null: every corpus of the customer' },
    },
    ['subject', 'kind', 'customer_id', 'scopes', 'corpus_ids'],
  ),
};
