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
import { named, type PgConnection, type Queryable } from './pg-connection.js';
import { lockCorpusForPut, lockCustomer } from './pg-put-locks.js';
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
   * In one transaction of three statements (the quota check between the second and the third):
   * 1. lock the customer's usage row (every writer of usage locks the customer before the corpus,
   *    so two processes never deadlock on them);
   * 2. lock the corpus's usage row and read, in the same statement, a Document already under the
   *    key and the documents reserved by pending batch jobs in both scopes. Its snapshot is taken
   *    once the customer lock is ours: every writer of this customer's documents and jobs that held
   *    it before us has committed, so what it counts is current (a job that failed meanwhile only
   *    makes the count larger than it is: never an admission too many);
   * 3. after `admit` said yes on the locked rows: insert and charge both scopes in one statement.
   * A replay or conflict found in step 2 is answered without writing. A 23505 (the key taken by a
   * writer this order did not serialise with) is answered as a replay or conflict after a re-read.
   * The upload use case has already looked for the key outside any lock, so there is no such read here.
   */
  async putIfAbsent(doc: NewDocument, admit: QuotaCheck): Promise<PutOutcome> {
    return this.connection.transaction(
      async (client) => {
        const customer = await lockCustomer(client, doc.key);
        const { corpus, existing, customerReserved, corpusReserved } = await lockCorpusForPut(client, doc.key);
        if (existing) return replayOrConflict(doc, existing);
        // Customer before corpus: the 507 names the wider scope when both would overflow. Documents
        // reserved by pending batch jobs count as used, but not this document's own job's.
        admit({ ...toScopeUsage('customer', customer), reservedDocs: customerReserved }, doc.charge);
        admit({ ...toScopeUsage('corpus', corpus), reservedDocs: corpusReserved }, doc.charge);
        const createdAt = await insertAndCharge(client, doc);
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

const FIND_SUMMARY = named('find-document', `SELECT ${SUMMARY_COLUMNS} FROM documents WHERE ${BY_KEY}`);

async function findSummary(db: Queryable, key: DocumentKey): Promise<StoredDocumentSummary | null> {
  const { rows } = await db.query<SummaryRow>(FIND_SUMMARY, keyParams(key));
  return rows[0] ? toSummary(rows[0]) : null;
}

/** insertAndCharge's usage update: the charge ($8, $9) and one document. */
const ADD_CHARGE = 'used_chars = used_chars + $8, used_metadata_chars = used_metadata_chars + $9, used_docs = used_docs + 1';

const INSERT_AND_CHARGE = named(
  'put-insert-and-charge',
  `WITH inserted AS (
         INSERT INTO documents (customer_id, corpus_id, document_id, content_hash, upload_hash, document, document_encoding,
           num_chars, num_metadata_chars, source_sha256, source_size, source_format, uploader, extractor, extraction_ms,
           title, metadata_json, metadata_scalars, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18::jsonb, date_trunc('milliseconds', clock_timestamp()))
         RETURNING created_at),
       customer AS (
         UPDATE customers SET ${ADD_CHARGE} WHERE customer_id = $1),
       corpus AS (
         UPDATE corpora SET ${ADD_CHARGE} WHERE customer_id = $1 AND corpus_id = $2)
       SELECT created_at FROM inserted`,
);

/**
 * Inserts the row and adds its charge to the customer's and the corpus's usage, in one statement
 * (one round trip while the usage rows are locked); the row's created_at (the database's clock) as
 * the store reads it back.
 */
async function insertAndCharge(client: Queryable, doc: NewDocument): Promise<string> {
  const { key, charge, provenance } = doc;
  const { bytes, encoding } = doc.document;
  const { rows } = await client.query<{ created_at: string }>(
    INSERT_AND_CHARGE,
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
