import type { CorpusRef, DocumentKey, StoredDocumentSummary } from '../document-store.js';
import { named, type Queryable } from './pg-connection.js';
import { reservedDocsSql } from './pg-reservations.js';
import { SUMMARY_COLUMNS, toSummary, USAGE_COLUMNS, type SummaryRow, type UsageRow } from './pg-rows.js';

/**
 * The locks and reads of putIfAbsent (pg-documents.ts), in two statements: the fewer round trips
 * while a customer's usage row is locked, the more uploads of that customer per second.
 */

const LOCK_CUSTOMER = named('put-lock-customer', `SELECT ${USAGE_COLUMNS} FROM customers WHERE customer_id = $1 FOR NO KEY UPDATE`);

/** Statement 1: the customer's usage row, locked (every writer of usage locks it first). */
export async function lockCustomer(client: Queryable, ref: CorpusRef): Promise<UsageRow> {
  const { rows } = await client.query<UsageRow>(LOCK_CUSTOMER, [ref.customerId]);
  if (!rows[0]) throw new Error(`customer ${ref.customerId} vanished during the upload`);
  return rows[0];
}

export interface CorpusForPut {
  readonly corpus: UsageRow;
  /** The Document stored under the key already, if any. */
  readonly existing: StoredDocumentSummary | null;
  /** Documents reserved by pending batch jobs, except the job of this very document. */
  readonly customerReserved: number;
  readonly corpusReserved: number;
}

const PREFIXED = (prefix: string, columns: string) => columns.split(', ').map((c) => `${prefix}.${c} AS ${prefix}_${c}`).join(', ');

const LOCK_CORPUS = named(
  'put-lock-corpus',
  `SELECT ${PREFIXED('p', USAGE_COLUMNS)}, ${PREFIXED('d', SUMMARY_COLUMNS)},
          ${reservedDocsSql('customer', '$3')} AS customer_reserved,
          ${reservedDocsSql('corpus', '$3')} AS corpus_reserved
     FROM corpora p
     LEFT JOIN documents d ON d.customer_id = p.customer_id AND d.corpus_id = p.corpus_id AND d.document_id = $3
    WHERE p.customer_id = $1 AND p.corpus_id = $2
      FOR NO KEY UPDATE OF p`,
);

/**
 * Statement 2, after lockCustomer in the same transaction: the corpus's usage row locked, with the
 * Document under the key and both scopes' reserved documents read in the same statement (its
 * snapshot is taken after the customer lock was granted: see PgDocuments.putIfAbsent).
 */
export async function lockCorpusForPut(client: Queryable, key: DocumentKey): Promise<CorpusForPut> {
  const { rows } = await client.query<Record<string, unknown>>(LOCK_CORPUS, [key.customerId, key.corpusId, key.documentId]);
  const row = rows[0];
  if (!row) throw new Error(`corpus ${key.corpusId} of customer ${key.customerId} vanished during the upload`);
  const pick = <T>(prefix: string, columns: string) => Object.fromEntries(columns.split(', ').map((c) => [c, row[`${prefix}_${c}`]])) as T;
  return {
    corpus: pick<UsageRow>('p', USAGE_COLUMNS),
    existing: row['d_document_id'] === null ? null : toSummary(pick<SummaryRow>('d', SUMMARY_COLUMNS)),
    customerReserved: Number(row['customer_reserved']),
    corpusReserved: Number(row['corpus_reserved']),
  };
}
