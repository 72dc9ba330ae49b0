import type { ScopeUsage } from '../../quota/index.js';
import type { ApiKeyRecord, ApiKeyRole, DocumentRecord, StoredDocumentSummary } from '../document-store.js';

/** SQLite rows and their mapping to the store's records. */
export interface UsageRow {
  max_chars: number | null;
  max_docs: number | null;
  used_chars: number;
  used_metadata_chars: number;
  used_docs: number;
}

export interface SummaryRow {
  customer_id: string;
  corpus_id: string;
  document_id: string;
  content_hash: string;
  num_chars: number;
  num_metadata_chars: number;
  created_at: string;
}

export const SUMMARY_COLUMNS = 'customer_id, corpus_id, document_id, content_hash, num_chars, num_metadata_chars, created_at';
export const RECORD_COLUMNS = `${SUMMARY_COLUMNS}, title, metadata_json, source_sha256, source_size, source_format, uploader, extractor, extraction_ms`;

export interface RecordRow extends SummaryRow {
  title: string;
  metadata_json: string;
  source_sha256: string;
  source_size: number;
  source_format: string;
  uploader: string;
  extractor: string;
  extraction_ms: number;
}

export interface ApiKeyRow {
  key_id: string;
  customer_id: string;
  corpus_ids: string | null;
  role: ApiKeyRole;
  secret_sha256: string;
  name: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export function scopeOf(ref: { customerId: string; corpusId?: string }) {
  return ref.corpusId === undefined
    ? { table: 'customers', where: 'customer_id = ?', params: [ref.customerId] }
    : { table: 'corpora', where: 'customer_id = ? AND corpus_id = ?', params: [ref.customerId, ref.corpusId] };
}

export function toScopeUsage(scope: 'corpus' | 'customer', row: UsageRow): ScopeUsage {
  return {
    scope,
    maxChars: row.max_chars,
    maxDocs: row.max_docs,
    usedChars: row.used_chars + row.used_metadata_chars,
    usedDocs: row.used_docs,
  };
}

export function toRecord(row: RecordRow): DocumentRecord {
  return {
    ...toSummary(row),
    title: row.title,
    metadataJson: row.metadata_json,
    provenance: {
      sourceSha256: row.source_sha256,
      sourceSize: row.source_size,
      sourceFormat: row.source_format,
      uploader: row.uploader,
      extractor: row.extractor,
      extractionMs: row.extraction_ms,
    },
  };
}

/** SQLite keeps corpus_ids as JSON text. */
export function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return apiKeyRecord({ ...row, corpus_ids: row.corpus_ids === null ? null : (JSON.parse(row.corpus_ids) as string[]) });
}

/** An api_keys row, its corpus_ids already a list (PostgreSQL reads a text[] as one). */
export function apiKeyRecord(row: Omit<ApiKeyRow, 'corpus_ids'> & { corpus_ids: string[] | null }): ApiKeyRecord {
  return {
    keyId: row.key_id,
    customerId: row.customer_id,
    corpusIds: row.corpus_ids,
    role: row.role,
    secretSha256: row.secret_sha256,
    name: row.name,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

export function toSummary(row: SummaryRow): StoredDocumentSummary {
  return {
    key: { customerId: row.customer_id, corpusId: row.corpus_id, documentId: row.document_id },
    contentHash: row.content_hash,
    charge: { numChars: row.num_chars, numMetadataChars: row.num_metadata_chars },
    createdAt: row.created_at,
  };
}
