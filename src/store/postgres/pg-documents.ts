import { unpackDocument, type PackedEncoding } from '../../document/index.js';
import { ConflictError } from '../../errors/index.js';
import type { QuotaCheck } from '../../quota/index.js';
import type {
  CorpusRef,
  DocumentKey,
  DocumentRecord,
  DocumentStore,
  ListPage,
  ListQuery,
  NewDocument,
  PutOutcome,
  StoredDocumentSummary,
} from '../document-store.js';
import type { PgConnection, Queryable } from './pg-connection.js';
import { lockUsage } from './pg-corpora.js';
import { reservedDocs } from './pg-reservations.js';
import {
  RECORD_COLUMNS,
  SUMMARY_COLUMNS,
  metadataScalars,
  toRecord,
  toScopeUsage,
  toSummary,
  type RecordRow,
  type SummaryRow,
} from './pg-rows.js';

const BY_KEY = 'customer_id = $1 AND corpus_id = $2 AND document_id = $3';
const keyParams = (key: DocumentKey) => [key.customerId, key.corpusId, key.documentId];

/**
 * The documents of the PostgreSQL store, with the quota charge in the transaction of each write.
 * Deleting one is PgJobs.deleteDocument: the batch job that stored it goes with it.
 */
export class PgDocuments implements Omit<DocumentStore, 'deleteDocument'> {
  constructor(private readonly connection: PgConnection) {}

  async findDocument(key: DocumentKey): Promise<StoredDocumentSummary | null> {
    return findSummary(this.connection, key);
  }

  async findDocumentByUploadHash(ref: CorpusRef, uploadHash: string): Promise<StoredDocumentSummary | null> {
    const { rows } = await this.connection.query<SummaryRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM documents WHERE customer_id = $1 AND corpus_id = $2 AND upload_hash = $3 LIMIT 1`,
      [ref.customerId, ref.corpusId, uploadHash],
    );
    return rows[0] ? toSummary(rows[0]) : null;
  }

  async getDocument(key: DocumentKey): Promise<Uint8Array | null> {
    const { rows } = await this.connection.query<{ document: Buffer; document_encoding: PackedEncoding }>(
      `SELECT document, document_encoding FROM documents WHERE ${BY_KEY}`,
      keyParams(key),
    );
    const row = rows[0];
    return row ? unpackDocument({ bytes: row.document, encoding: row.document_encoding }) : null;
  }

  /**
   * A replay or conflict is answered from a plain read first (no lock). Otherwise, in one
   * transaction: lock the customer's then the corpus's usage row (every writer locks in this
   * order, so two processes never deadlock on them), look for the key again — another writer of
   * the same customer committed before our lock was granted, or not at all — ask `admit` on the
   * locked rows, insert and charge. A 23505 (the key taken by a writer this order did not
   * serialise with) is answered as a replay or conflict, like the first read.
   */
  async putIfAbsent(doc: NewDocument, admit: QuotaCheck): Promise<PutOutcome> {
    const earlier = await findSummary(this.connection, doc.key);
    if (earlier) return replayOrConflict(doc, earlier);
    return this.connection.transaction(
      async (client) => {
        const usage = await lockUsage(client, doc.key);
        const existing = await findSummary(client, doc.key);
        if (existing) return replayOrConflict(doc, existing);
        // Customer before corpus: the 507 names the wider scope when both would overflow. Documents
        // reserved by pending batch jobs count as used, but not this document's own job's.
        const customer = { customerId: doc.key.customerId };
        admit({ ...toScopeUsage('customer', usage.customer), reservedDocs: await reservedDocs(client, customer, doc.key.documentId) }, doc.charge);
        admit({ ...toScopeUsage('corpus', usage.corpus), reservedDocs: await reservedDocs(client, doc.key, doc.key.documentId) }, doc.charge);
        const createdAt = await insertDocument(client, doc);
        await addUsage(client, doc.key, doc.charge.numChars, doc.charge.numMetadataChars, 1);
        return { status: 'created', stored: { key: doc.key, contentHash: doc.contentHash, charge: doc.charge, createdAt } } as const;
      },
      async () => {
        const stored = await findSummary(this.connection, doc.key);
        if (!stored) throw new ConflictError(doc.key.documentId);
        return replayOrConflict(doc, stored);
      },
    );
  }

  async listDocuments(ref: CorpusRef, query: ListQuery): Promise<ListPage> {
    const where = ['customer_id = $1', 'corpus_id = $2'];
    const params: unknown[] = [ref.customerId, ref.corpusId];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (query.after !== undefined) where.push(`document_id > ${param(query.after)}`);
    if (query.idPrefix !== undefined && query.idPrefix !== '') {
      // The lower bound keeps the scan on the primary key; starts_with checks the prefix exactly.
      const prefix = param(query.idPrefix);
      where.push(`document_id >= ${prefix}`, `starts_with(document_id, ${prefix})`);
    }
    for (const condition of query.metadataEquals ?? []) {
      // jsonb equality: "3" (a string) never equals 3 (a number), as with SQLite's json_extract.
      where.push(`metadata_scalars -> ${param(condition.key)}::text = ${param(JSON.stringify(condition.value))}::jsonb`);
    }
    const limit = param(query.limit + 1);
    const { rows } = await this.connection.query<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM documents WHERE ${where.join(' AND ')} ORDER BY document_id LIMIT ${limit}`,
      params,
    );
    return { documents: rows.slice(0, query.limit).map(toRecord), hasMore: rows.length > query.limit };
  }

  async getDocumentRecord(key: DocumentKey): Promise<DocumentRecord | null> {
    const { rows } = await this.connection.query<RecordRow>(`SELECT ${RECORD_COLUMNS} FROM documents WHERE ${BY_KEY}`, keyParams(key));
    return rows[0] ? toRecord(rows[0]) : null;
  }
}

/**
 * Deletes the Document and gives its charge back to both scopes; false when none is stored.
 * Inside a transaction that locked the usage rows first (customer, corpus: putIfAbsent's order);
 * the store's deleteDocument and deleteJob (pg-jobs.ts) do, removing the batch job too.
 */
export async function removeDocument(client: Queryable, key: DocumentKey): Promise<boolean> {
  const { rows } = await client.query<{ num_chars: number; num_metadata_chars: number }>(
    `DELETE FROM documents WHERE ${BY_KEY} RETURNING num_chars, num_metadata_chars`,
    keyParams(key),
  );
  const deleted = rows[0];
  if (!deleted) return false;
  await addUsage(client, key, -deleted.num_chars, -deleted.num_metadata_chars, -1);
  return true;
}

function replayOrConflict(doc: NewDocument, stored: StoredDocumentSummary): PutOutcome {
  if (stored.contentHash === doc.contentHash) return { status: 'replayed', stored };
  throw new ConflictError(doc.key.documentId);
}

async function findSummary(db: Queryable, key: DocumentKey): Promise<StoredDocumentSummary | null> {
  const { rows } = await db.query<SummaryRow>(`SELECT ${SUMMARY_COLUMNS} FROM documents WHERE ${BY_KEY}`, keyParams(key));
  return rows[0] ? toSummary(rows[0]) : null;
}

/** Inserts the row; its created_at (the database's clock) as the store reads it back. */
async function insertDocument(client: Queryable, doc: NewDocument): Promise<string> {
  const { key, charge, provenance } = doc;
  const { bytes, encoding } = doc.document;
  const { rows } = await client.query<{ created_at: string }>(
    `INSERT INTO documents (customer_id, corpus_id, document_id, content_hash, upload_hash, document, document_encoding,
       num_chars, num_metadata_chars, source_sha256, source_size, source_format, uploader, extractor, extraction_ms,
       title, metadata_json, metadata_scalars, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb, date_trunc('milliseconds', clock_timestamp()))
     RETURNING created_at`,
    [
      key.customerId, key.corpusId, key.documentId, doc.contentHash, doc.uploadHash,
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding,
      charge.numChars, charge.numMetadataChars, provenance.sourceSha256, provenance.sourceSize, provenance.sourceFormat,
      provenance.uploader, provenance.extractor, Math.round(provenance.extractionMs),
      withoutNul(doc.title), withoutNul(doc.metadataJson), metadataScalars(doc.metadataJson),
    ],
  );
  return rows[0]!.created_at;
}

/**
 * PostgreSQL text cannot hold U+0000, which a Document's title or metadata_json may carry (SQLite
 * keeps it): the listing copy gets U+FFFD instead; the stored Document keeps its exact bytes.
 */
const withoutNul = (text: string): string => (text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text);

/** Adds (or with negative numbers gives back) a document's charge in both quota scopes. */
async function addUsage(client: Queryable, key: CorpusRef, chars: number, metadataChars: number, docs: number): Promise<void> {
  const set = 'used_chars = used_chars + $1, used_metadata_chars = used_metadata_chars + $2, used_docs = used_docs + $3';
  await client.query(`UPDATE customers SET ${set} WHERE customer_id = $4`, [chars, metadataChars, docs, key.customerId]);
  await client.query(`UPDATE corpora SET ${set} WHERE customer_id = $4 AND corpus_id = $5`, [chars, metadataChars, docs, key.customerId, key.corpusId]);
}
