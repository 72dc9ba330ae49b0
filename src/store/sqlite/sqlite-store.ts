import path from 'node:path';
import { unpackDocument, type PackedEncoding } from '../../document/index.js';
import { ConflictError } from '../../errors/index.js';
import type { QuotaCheck } from '../../quota/index.js';
import type {
  ApiKeyRecord, CorpusRecord, DocumentRecord, ListPage, ListQuery, CorpusRef, DocumentKey, NewDocument, PutOutcome,
  QuotaLimitsUpdate, QuotaScopeRef, SchemaReport, Store, StoredDocumentSummary, UsageReport,
} from '../document-store.js';
import { fileVault, type FileVault } from '../file-vault.js';
import type { ClaimOptions, CreateJobsOptions, JobError, JobFilter, JobPage, JobPageQuery, JobRecord, NewJob } from '../job-store.js';
import {
  RECORD_COLUMNS, SUMMARY_COLUMNS, scopeOf, toApiKey, toRecord, toScopeUsage, toSummary,
  type ApiKeyRow, type RecordRow, type SummaryRow, type UsageRow,
} from './rows.js';
import { SqliteConnection, type SqliteStoreOptions } from './sqlite-connection.js';
import { SqliteJobs } from './sqlite-jobs.js';

export { DEFAULT_LOCK_WAIT_MS, isLockError, type SqliteStoreOptions } from './sqlite-connection.js';

/** The embedded store, on one SQLite file: opened, migrated and ready (see SqliteConnection). */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const files = fileVault(options.filesDir ?? path.join(path.dirname(options.file), 'files'));
  return new SqliteStore(await SqliteConnection.open(options), files);
}

/** Every method is one read or one write transaction of the connection; no policy lives here. */
class SqliteStore implements Store {
  private readonly jobs: SqliteJobs;

  constructor(private readonly connection: SqliteConnection, files: FileVault) {
    this.jobs = new SqliteJobs(connection, files);
  }

  get schema(): SchemaReport {
    return this.connection.schema;
  }

  // The batch upload's jobs (src/store/job-store.ts), kept in a file of their own.
  createJobs(jobs: readonly NewJob[], options?: CreateJobsOptions): Promise<void> { return this.jobs.createJobs(jobs, options); }
  claimJob(leaseMs: number, options?: ClaimOptions): Promise<JobRecord | null> { return this.jobs.claimJob(leaseMs, options); }
  renewLease(jobId: string, attempt: number, leaseMs: number): Promise<boolean> { return this.jobs.renewLease(jobId, attempt, leaseMs); }
  completeJob(jobId: string, attempt: number, result: { pages: number | null }): Promise<boolean> { return this.jobs.completeJob(jobId, attempt, result); }
  failJob(jobId: string, attempt: number, error: JobError): Promise<boolean> { return this.jobs.failJob(jobId, attempt, error); }
  releaseJob(jobId: string, attempt: number): Promise<boolean> { return this.jobs.releaseJob(jobId, attempt); }
  requeueJob(jobId: string, attempt: number): Promise<boolean> { return this.jobs.requeueJob(jobId, attempt); }
  retryJob(jobId: string): Promise<boolean> { return this.jobs.retryJob(jobId); }
  findJob(jobId: string): Promise<JobRecord | null> { return this.jobs.findJob(jobId); }
  listJobs(filter: JobFilter): Promise<JobRecord[]> { return this.jobs.listJobs(filter); }
  countActiveJobs(): Promise<{ queued: number; processing: number }> { return this.jobs.countActiveJobs(); }
  getJob(ref: CorpusRef, jobId: string): Promise<JobRecord | null> { return this.jobs.getJob(ref, jobId); }
  findEarlierUpload(ref: CorpusRef, sha256: string): Promise<string | null> { return this.jobs.findEarlierUpload(ref, sha256); }
  pageJobs(ref: CorpusRef, query: JobPageQuery): Promise<JobPage> { return this.jobs.pageJobs(ref, query); }
  deleteJob(ref: CorpusRef, jobId: string): Promise<boolean> { return this.jobs.deleteJob(ref, jobId, (key) => this.removeDocument(key)); }

  private sql(text: string) {
    return this.connection.sql(text);
  }

  private read<T>(body: () => T): Promise<T> {
    return this.connection.read(body);
  }

  /**
   * One write transaction. A UNIQUE/PRIMARY KEY violation means another writer took the key
   * between a check and an insert (not possible under BEGIN IMMEDIATE on one file, kept as the
   * edge's translation): the conflict path, never a 500.
   */
  private write<T>(body: () => T, onUniqueViolation?: () => Error): Promise<T> {
    return this.connection.write(body, onUniqueViolation);
  }

  async createCorpus(input: CorpusRef & { name: string }): Promise<{ created: boolean }> {
    const now = new Date().toISOString();
    return this.write(() => {
      this.sql('INSERT INTO customers (customer_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING')
        .run(input.customerId, now);
      const result = this.sql(
        'INSERT INTO corpora (customer_id, corpus_id, name, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
        .run(input.customerId, input.corpusId, input.name, now);
      return { created: result.changes === 1 };
    });
  }

  async getCorpus(ref: CorpusRef): Promise<CorpusRecord | null> {
    const row = await this.read(
      () => this.sql('SELECT name, created_at FROM corpora WHERE customer_id = ? AND corpus_id = ?')
        .get(ref.customerId, ref.corpusId) as { name: string; created_at: string } | undefined,
    );
    return row ? { ...ref, name: row.name, createdAt: row.created_at } : null;
  }

  async setQuota(ref: QuotaScopeRef, limits: QuotaLimitsUpdate): Promise<boolean> {
    const { table, where, params } = scopeOf(ref);
    const sets: string[] = [];
    const values: (number | null)[] = [];
    if (limits.maxChars !== undefined) (sets.push('max_chars = ?'), values.push(limits.maxChars));
    if (limits.maxDocs !== undefined) (sets.push('max_docs = ?'), values.push(limits.maxDocs));
    if (sets.length === 0) return (await this.getUsage(ref)) !== null;
    return this.write(() => this.sql(`UPDATE ${table} SET ${sets.join(', ')} WHERE ${where}`).run(...values, ...params).changes === 1);
  }

  async getUsage(ref: QuotaScopeRef): Promise<UsageReport | null> {
    const found = await this.read(() => {
      const usage = this.usageRow(ref);
      return usage && { row: usage, reservedDocs: this.jobs.reservedDocs(ref) };
    });
    if (!found) return null;
    const { row, reservedDocs } = found;
    return {
      ...toScopeUsage(ref.corpusId === undefined ? 'customer' : 'corpus', row),
      reservedDocs,
      usedTextChars: row.used_chars,
      usedMetadataChars: row.used_metadata_chars,
    };
  }

  private usageRow(ref: QuotaScopeRef): UsageRow | undefined {
    const { table, where, params } = scopeOf(ref);
    return this.sql(`SELECT max_chars, max_docs, used_chars, used_metadata_chars, used_docs FROM ${table} WHERE ${where}`)
      .get(...params) as UsageRow | undefined;
  }

  async findDocument(key: DocumentKey): Promise<StoredDocumentSummary | null> {
    return this.read(() => this.findSummary(key));
  }

  private findSummary(key: DocumentKey): StoredDocumentSummary | null {
    const row = this.sql(`SELECT ${SUMMARY_COLUMNS} FROM documents WHERE customer_id = ? AND corpus_id = ? AND document_id = ?`)
      .get(key.customerId, key.corpusId, key.documentId) as SummaryRow | undefined;
    return row ? toSummary(row) : null;
  }

  async findDocumentByUploadHash(ref: CorpusRef, uploadHash: string): Promise<StoredDocumentSummary | null> {
    const row = await this.read(
      () => this.sql(
        `SELECT ${SUMMARY_COLUMNS} FROM documents WHERE customer_id = ? AND corpus_id = ? AND upload_hash = ? LIMIT 1`,
      )
        .get(ref.customerId, ref.corpusId, uploadHash) as SummaryRow | undefined,
    );
    return row ? toSummary(row) : null;
  }

  async getDocument(key: DocumentKey): Promise<Uint8Array | null> {
    const row = await this.read(
      () => this.sql('SELECT document, document_encoding FROM documents WHERE customer_id = ? AND corpus_id = ? AND document_id = ?')
        .get(key.customerId, key.corpusId, key.documentId) as { document: Buffer; document_encoding: PackedEncoding } | undefined,
    );
    return row ? unpackDocument({ bytes: row.document, encoding: row.document_encoding }) : null;
  }

  async putIfAbsent(doc: NewDocument, admit: QuotaCheck): Promise<PutOutcome> {
    const { key, charge } = doc;
    const { bytes, encoding } = doc.document;
    const blob = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return this.write((): PutOutcome => {
      const existing = this.findSummary(key);
      if (existing) {
        if (existing.contentHash === doc.contentHash) return { status: 'replayed', stored: existing };
        throw new ConflictError(key.documentId);
      }
      // Customer before corpus: the 507 names the wider scope when both would overflow.
      for (const ref of [{ customerId: key.customerId }, key]) {
        const row = this.usageRow(ref);
        if (!row) throw new Error(`corpus ${key.corpusId} of customer ${key.customerId} vanished during the upload`);
        // Documents reserved by pending batch jobs count as used, but not this document's own job.
        admit({ ...toScopeUsage('corpusId' in ref ? 'corpus' : 'customer', row), reservedDocs: this.jobs.reservedDocs(ref, key.documentId) }, charge);
      }
      const createdAt = new Date().toISOString();
      this.sql(
        `INSERT INTO documents (customer_id, corpus_id, document_id, content_hash, document, num_chars,
           num_metadata_chars, source_sha256, source_size, source_format, uploader, created_at,
           title, metadata_json, extractor, extraction_ms, document_encoding, upload_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
        .run(
          key.customerId, key.corpusId, key.documentId, doc.contentHash, blob,
          charge.numChars, charge.numMetadataChars, doc.provenance.sourceSha256, doc.provenance.sourceSize,
          doc.provenance.sourceFormat, doc.provenance.uploader, createdAt,
          doc.title, doc.metadataJson, doc.provenance.extractor, Math.round(doc.provenance.extractionMs), encoding, doc.uploadHash,
        );
      this.addUsage(key, charge.numChars, charge.numMetadataChars, 1);
      return { status: 'created', stored: { key, contentHash: doc.contentHash, charge, createdAt } };
    }, () => new ConflictError(key.documentId));
  }

  /** Adds (or with negative numbers gives back) a document's charge in both quota scopes. */
  private addUsage(key: CorpusRef, chars: number, metadataChars: number, docs: number): void {
    const set = 'used_chars = used_chars + ?, used_metadata_chars = used_metadata_chars + ?, used_docs = used_docs + ?';
    this.sql(`UPDATE customers SET ${set} WHERE customer_id = ?`).run(chars, metadataChars, docs, key.customerId);
    this.sql(`UPDATE corpora SET ${set} WHERE customer_id = ? AND corpus_id = ?`)
      .run(chars, metadataChars, docs, key.customerId, key.corpusId);
  }

  async listDocuments(ref: CorpusRef, query: ListQuery): Promise<ListPage> {
    const where = ['customer_id = ?', 'corpus_id = ?'];
    const params: (string | number)[] = [ref.customerId, ref.corpusId];
    if (query.after !== undefined) (where.push('document_id > ?'), params.push(query.after));
    if (query.idPrefix !== undefined && query.idPrefix !== '') {
      // The lower bound keeps the scan on the primary key; substr checks the prefix exactly.
      where.push('document_id >= ?', 'substr(document_id, 1, length(?)) = ?');
      params.push(query.idPrefix, query.idPrefix, query.idPrefix);
    }
    for (const condition of query.metadataEquals ?? []) {
      // json_valid first: a stored value SQLite cannot read (too deep for its parser) never matches
      // instead of failing the whole listing.
      where.push(`json_extract(CASE WHEN json_valid(metadata_json) THEN metadata_json END, ?) = ?`);
      params.push(`$.${JSON.stringify(condition.key)}`, condition.value);
    }
    const rows = await this.read(
      () => this.sql(`SELECT ${RECORD_COLUMNS} FROM documents WHERE ${where.join(' AND ')} ORDER BY document_id LIMIT ?`)
        .all(...params, query.limit + 1) as RecordRow[],
    );
    return { documents: rows.slice(0, query.limit).map(toRecord), hasMore: rows.length > query.limit };
  }

  async getDocumentRecord(key: DocumentKey): Promise<DocumentRecord | null> {
    const row = await this.read(
      () => this.sql(`SELECT ${RECORD_COLUMNS} FROM documents WHERE customer_id = ? AND corpus_id = ? AND document_id = ?`)
        .get(key.customerId, key.corpusId, key.documentId) as RecordRow | undefined,
    );
    return row ? toRecord(row) : null;
  }

  async deleteDocument(key: DocumentKey): Promise<boolean> {
    return this.write((): boolean => {
      if (!this.removeDocument(key)) return false;
      this.jobs.forgetJobOfDocument(key);
      return true;
    });
  }

  /** Removes the document and gives its charge back; false when none is stored. Inside a write transaction. */
  private removeDocument(key: DocumentKey): boolean {
    const existing = this.findSummary(key);
    if (!existing) return false;
    this.sql('DELETE FROM documents WHERE customer_id = ? AND corpus_id = ? AND document_id = ?').run(key.customerId, key.corpusId, key.documentId);
    this.addUsage(key, -existing.charge.numChars, -existing.charge.numMetadataChars, -1);
    return true;
  }

  async listCorpora(customerId: string): Promise<CorpusRecord[]> {
    const rows = await this.read(
      () => this.sql('SELECT corpus_id, name, created_at FROM corpora WHERE customer_id = ? ORDER BY length(corpus_id), corpus_id')
        .all(customerId) as { corpus_id: string; name: string; created_at: string }[],
    );
    return rows.map((r) => ({ customerId, corpusId: r.corpus_id, name: r.name, createdAt: r.created_at }));
  }

  async createApiKey(key: ApiKeyRecord): Promise<void> {
    await this.write(() => {
      this.sql(
        `INSERT INTO api_keys (key_id, customer_id, corpus_ids, role, secret_sha256, name, created_at, expires_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
        .run(
          key.keyId, key.customerId, key.corpusIds === null ? null : JSON.stringify(key.corpusIds), key.role,
          key.secretSha256, key.name, key.createdAt, key.expiresAt, key.revokedAt,
        );
    });
  }

  async getApiKey(keyId: string): Promise<ApiKeyRecord | null> {
    const row = await this.read(() => this.sql('SELECT * FROM api_keys WHERE key_id = ?').get(keyId) as ApiKeyRow | undefined);
    return row ? toApiKey(row) : null;
  }

  async listApiKeys(customerId?: string): Promise<ApiKeyRecord[]> {
    const rows = await this.read(
      () => (
        customerId === undefined
          ? this.sql('SELECT * FROM api_keys ORDER BY created_at DESC, key_id').all()
          : this.sql('SELECT * FROM api_keys WHERE customer_id = ? ORDER BY created_at DESC, key_id').all(customerId)
      ) as ApiKeyRow[],
    );
    return rows.map(toApiKey);
  }

  async revokeApiKey(keyId: string, at: string): Promise<boolean> {
    return this.write(
      () => this.sql('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE key_id = ?').run(at, keyId).changes === 1,
    );
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

