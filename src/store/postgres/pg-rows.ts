import type { QuotaScopeRef } from '../document-store.js';
import { apiKeyRecord } from '../sqlite/rows.js';

/*
 * The PostgreSQL tables have the SQLite store's column names, and the connection reads bigint as
 * a number and timestamptz as an ISO string (pg-connection.ts): the SQLite row mappings fit them
 * as they are. Only what differs is here.
 */
export {
  RECORD_COLUMNS,
  SUMMARY_COLUMNS,
  toRecord,
  toScopeUsage,
  toSummary,
  type RecordRow,
  type SummaryRow,
  type UsageRow,
} from '../sqlite/rows.js';

export const USAGE_COLUMNS = 'max_chars, max_docs, used_chars, used_metadata_chars, used_docs';

/** A quota scope's table and WHERE clause, its parameters numbered from $1. */
export function scopeOf(ref: QuotaScopeRef) {
  return ref.corpusId === undefined
    ? { table: 'customers', where: 'customer_id = $1', params: [ref.customerId] }
    : { table: 'corpora', where: 'customer_id = $1 AND corpus_id = $2', params: [ref.customerId, ref.corpusId] };
}

/** An api_keys row as PostgreSQL reads it (corpus_ids a text[]). */
export type PgApiKeyRow = Parameters<typeof apiKeyRecord>[0];

export const toApiKey = apiKeyRecord;

/**
 * The top-level string and number values of a Document's metadata_json, as JSON text for the
 * metadata_scalars column (what `doc.<key> = value` filters compare); null when it is not a JSON
 * object. SQLite's json_extract compares the same values: nested objects and arrays never equal a
 * string or a number.
 */
export function metadataScalars(metadataJson: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(metadataJson);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const scalars: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(parsed)) {
    // jsonb cannot hold U+0000: such an entry is left out (a filter on it then matches nothing).
    if (key.includes('\0') || (typeof value === 'string' && value.includes('\0'))) continue;
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) scalars[key] = value;
  }
  return JSON.stringify(scalars);
}
