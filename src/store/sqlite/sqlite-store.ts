import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { unpackDocument, type PackedEncoding } from '../../document/index.js';
import { ConflictError, UnavailableError } from '../../errors/index.js';
import type { QuotaDefaults } from '../../config/index.js';
import { assertWithinQuota } from '../../quota/index.js';
import type {
  ApiKeyRecord,
  CorpusRecord,
  DocumentRecord,
  ListPage,
  ListQuery,
  CorpusRef,
  DocumentKey,
  DocumentStore,
  NewDocument,
  PutOutcome,
  QuotaLimitsUpdate,
  StoredDocumentSummary,
  UsageReport,
} from '../document-store.js';
import { MIGRATIONS } from './migrations.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import {
  RECORD_COLUMNS,
  SUMMARY_COLUMNS,
  scopeOf,
  toApiKey,
  toRecord,
  toScopeUsage,
  toSummary,
  type ApiKeyRow,
  type RecordRow,
  type SummaryRow,
  type UsageRow,
} from './rows.js';

const STATEMENT_CACHE_MAX = 100;
/** Default of SqliteStoreOptions.lockWaitMs (SQLITE_LOCK_WAIT_MS). */
export const DEFAULT_LOCK_WAIT_MS = 5000;
/** Pauses between attempts to get a lock: doubling from the first, capped, with jitter. */
const RETRY_FIRST_MS = 2;
const RETRY_MAX_MS = 50;

/**
 * SQLite could not get a lock another connection holds (SQLITE_BUSY, SQLITE_LOCKED and their
 * extended codes), or gave up on the WAL's shared-memory locks (SQLITE_PROTOCOL): worth retrying.
 * Recognised by its code alone, not `instanceof Database.SqliteError` (nor Error): the native
 * addon keeps the SqliteError class of the first copy of better-sqlite3 that loaded it, so a
 * second module instance in the process (Jest gives every test file its own modules and globals)
 * throws errors of another class.
 */
export function isLockError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|PROTOCOL)/.test(code);
}

export interface SqliteStoreOptions {
  /** Path of the database file; its directory is created when missing. */
  readonly file: string;
  readonly quotaDefaults: QuotaDefaults;
  /** Checkpoint the WAL from a worker thread (default), not inside commits on the event loop. */
  readonly backgroundCheckpoint?: boolean;
  /**
   * How long an operation waits for a lock held by another connection (another process's write
   * transaction) before it fails with UnavailableError; default DEFAULT_LOCK_WAIT_MS.
   */
  readonly lockWaitMs?: number;
}

/**
 * The embedded store: one SQLite file in WAL mode. better-sqlite3 is synchronous, so each method
 * runs to completion on the event loop; writes use BEGIN IMMEDIATE so that several processes on
 * the same file also serialise.
 *
 * Waiting for another process's lock must not block the event loop: SQLite's busy_timeout sleeps
 * on the calling thread (with another process holding the write lock for 7 s, /healthz stalled
 * for 4.9 s). So the connection does not wait (busy_timeout 0) and every operation goes through
 * withLock(), which retries a refused attempt after an asynchronous pause until lockWaitMs, then
 * gives up with 503 UNAVAILABLE. A refused BEGIN IMMEDIATE has run nothing, so a retry, or giving
 * up, leaves nothing half done.
 */
export class SqliteStore implements DocumentStore {
  private readonly db: Database.Database;
  private readonly checkpointer: WalCheckpointer | undefined;
  /** Prepared statements by SQL text (see sql()). */
  private readonly statements = new Map<string, Database.Statement>();
  private readonly lockWaitMs: number;

  constructor(private readonly options: SqliteStoreOptions) {
    fs.mkdirSync(path.dirname(options.file), { recursive: true });
    this.lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    // Opening runs before the gateway serves anything: there, SQLite's own (blocking) wait is fine.
    this.db = new Database(options.file, { timeout: this.lockWaitMs });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
    // From here on a lock held elsewhere fails at once, and withLock() waits without blocking.
    this.db.pragma('busy_timeout = 0');
    if (options.backgroundCheckpoint ?? true) {
      this.db.pragma('wal_autocheckpoint = 0');
      this.checkpointer = new WalCheckpointer(options.file, (why) => {
        // Back to SQLite's own checkpoints: slower commits, but the WAL stays bounded.
        if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
        process.emitWarning(`${why}; SQLite checkpoints in commits again`, 'CorpusgateWarning');
      });
    }
  }

  /**
   * A prepared statement, compiled once per SQL text: preparing costs ~25 µs each time on these
   * machines (better-sqlite3, measured), against ~12 µs to run a cached lookup, and an upload
   * runs about eight. Statements built from a variable number of conditions (listDocuments) are
   * bounded by STATEMENT_CACHE_MAX, oldest dropped first.
   */
  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      if (this.statements.size >= STATEMENT_CACHE_MAX) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /**
   * Runs `operation` (synchronous SQL: reads, or one transaction begun IMMEDIATE); while another
   * connection holds a lock it needs, tries again after a growing pause (2, 4, 8 … 50 ms,
   * jittered) that leaves the event loop free. After lockWaitMs: UnavailableError.
   */
  private async withLock<T>(kind: 'read' | 'write', operation: () => T): Promise<T> {
    const deadline = Date.now() + this.lockWaitMs;
    for (let pause = RETRY_FIRST_MS; ; pause = Math.min(pause * 2, RETRY_MAX_MS)) {
      try {
        return operation();
      } catch (err) {
        if (!isLockError(err)) throw err;
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new UnavailableError(
            `the database is locked by another process${kind === 'write' ? '; nothing was stored' : ''}`,
            Math.min(5, Math.max(1, Math.ceil(this.lockWaitMs / 1000))),
          );
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(left, pause * (0.5 + Math.random() / 2))));
        if (!this.db.open) throw new UnavailableError('the database was closed while waiting for its lock');
      }
    }
  }

  /** `body` as one write transaction (BEGIN IMMEDIATE), through withLock(). */
  private write<T>(body: () => T): Promise<T> {
    return this.withLock('write', () => this.db.transaction(body).immediate());
  }

  /** Reads through withLock(): in WAL mode they rarely meet a lock (recovery, a WAL restart). */
  private read<T>(body: () => T): Promise<T> {
    return this.withLock('read', body);
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(
        `database ${this.options.file} has schema version ${current}, newer than this corpusgate (${MIGRATIONS.length})`,
      );
    }
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.db
        .transaction(() => {
          const migration = MIGRATIONS[v]!;
          if (typeof migration === 'string') this.db.exec(migration);
          else migration(this.db);
          this.db.pragma(`user_version = ${v + 1}`);
        })
        .immediate();
    }
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

  async setQuota(ref: { customerId: string; corpusId?: string }, limits: QuotaLimitsUpdate): Promise<boolean> {
    const { table, where, params } = scopeOf(ref);
    const sets: string[] = [];
    const values: (number | null)[] = [];
    if (limits.maxChars !== undefined) (sets.push('max_chars = ?'), values.push(limits.maxChars));
    if (limits.maxDocs !== undefined) (sets.push('max_docs = ?'), values.push(limits.maxDocs));
    if (sets.length === 0) return (await this.getUsage(ref)) !== null;
    return this.write(() => this.sql(`UPDATE ${table} SET ${sets.join(', ')} WHERE ${where}`).run(...values, ...params).changes === 1);
  }

  async getUsage(ref: { customerId: string; corpusId?: string }): Promise<UsageReport | null> {
    const row = await this.read(() => this.usageRow(ref));
    if (!row) return null;
    return {
      ...toScopeUsage(ref.corpusId === undefined ? 'customer' : 'corpus', row),
      usedTextChars: row.used_chars,
      usedMetadataChars: row.used_metadata_chars,
    };
  }

  private usageRow(ref: { customerId: string; corpusId?: string }): UsageRow | undefined {
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

  async findDocumentByContentHash(ref: CorpusRef, contentHash: string): Promise<StoredDocumentSummary | null> {
    const row = await this.read(
      () => this.sql(
        `SELECT ${SUMMARY_COLUMNS} FROM documents WHERE customer_id = ? AND corpus_id = ? AND content_hash = ? LIMIT 1`,
      )
        .get(ref.customerId, ref.corpusId, contentHash) as SummaryRow | undefined,
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

  async putIfAbsent(doc: NewDocument): Promise<PutOutcome> {
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
        assertWithinQuota(toScopeUsage('corpusId' in ref ? 'corpus' : 'customer', row), charge, this.options.quotaDefaults);
      }
      const createdAt = new Date().toISOString();
      this.sql(
        `INSERT INTO documents (customer_id, corpus_id, document_id, content_hash, document, num_chars,
           num_metadata_chars, source_sha256, source_size, source_format, uploader, created_at,
           title, metadata_json, extractor, extraction_ms, document_encoding)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
        .run(
          key.customerId, key.corpusId, key.documentId, doc.contentHash, blob,
          charge.numChars, charge.numMetadataChars, doc.provenance.sourceSha256, doc.provenance.sourceSize,
          doc.provenance.sourceFormat, doc.provenance.uploader, createdAt,
          doc.title, doc.metadataJson, doc.provenance.extractor, Math.round(doc.provenance.extractionMs), encoding,
        );
      this.addUsage(key, charge.numChars, charge.numMetadataChars, 1);
      return { status: 'created', stored: { key, contentHash: doc.contentHash, charge, createdAt } };
    });
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
      const existing = this.findSummary(key);
      if (!existing) return false;
      this.sql('DELETE FROM documents WHERE customer_id = ? AND corpus_id = ? AND document_id = ?')
        .run(key.customerId, key.corpusId, key.documentId);
      this.addUsage(key, -existing.charge.numChars, -existing.charge.numMetadataChars, -1);
      return true;
    });
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

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }
}

