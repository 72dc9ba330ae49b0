import type { PackedDocument } from '../document/index.js';
import type { Charge, QuotaCheck, ScopeUsage, StoredLimit } from '../quota/index.js';
import type { JobStore } from './job-store.js';

/** Ids are canonical decimal strings: customer ids reach 2^63−1, past JavaScript's safe integers. */
export interface CorpusRef {
  readonly customerId: string;
  readonly corpusId: string;
}

/** A quota scope: a customer (no corpusId) or one of its corpora. */
export interface QuotaScopeRef {
  readonly customerId: string;
  readonly corpusId?: string;
}

export interface DocumentKey extends CorpusRef {
  readonly documentId: string;
}

export interface CorpusRecord extends CorpusRef {
  readonly name: string;
  readonly createdAt: string;
}

export interface StoredDocumentSummary {
  readonly key: DocumentKey;
  /** SHA-256 over the uploaded bytes and the canonical doc_metadata (see ingest/content-hash.ts). */
  readonly contentHash: string;
  readonly charge: Charge;
  readonly createdAt: string;
}

export interface DocumentProvenance {
  /** SHA-256 of the uploaded file bytes alone. */
  readonly sourceSha256: string;
  readonly sourceSize: number;
  /** The detected input format, e.g. "document-binary", "text". */
  readonly sourceFormat: string;
  /** Who uploaded it: the token subject, or "apikey:<id>". */
  readonly uploader: string;
  /** What turned the file into a Document, with its version, e.g. "pdfjs-dist@5.5.207". */
  readonly extractor: string;
  /** Time the parse took inside its worker, in milliseconds. */
  readonly extractionMs: number;
}

export interface NewDocument {
  readonly key: DocumentKey;
  /** The identity of the content: same key + same contentHash is a replay, another is a conflict. */
  readonly contentHash: string;
  /**
   * The hash of the upload as sent (bytes + doc_metadata; src/usecases/documents/content-hash.ts, uploadHash()). For raw files
   * it equals contentHash; for Document uploads contentHash is the Document's canonical hash.
   */
  readonly uploadHash: string;
  /** The Document as binary protobuf, packed by its extraction worker: stored as it is. */
  readonly document: PackedDocument;
  /** The Document's title and metadata_json, kept beside it for listing and filtering. */
  readonly title: string;
  readonly metadataJson: string;
  readonly charge: Charge;
  readonly provenance: DocumentProvenance;
}

/** What an operator sees of a stored document without decoding it. */
export interface DocumentRecord extends StoredDocumentSummary {
  readonly title: string;
  /** The Document's own metadata_json ("" when it has none). */
  readonly metadataJson: string;
  readonly provenance: DocumentProvenance;
}

/** `doc.<key> = <value>`: the document-level metadata value equals this string or number. */
export interface MetadataCondition {
  readonly key: string;
  readonly value: string | number;
}

export interface ListQuery {
  /** At most this many records. */
  readonly limit: number;
  /** Keyset cursor: only ids after this one, in byte (UTF-8 code unit) order. */
  readonly after?: string;
  readonly idPrefix?: string;
  /** All must hold (AND). */
  readonly metadataEquals?: readonly MetadataCondition[];
}

export interface ListPage {
  /** Ordered by document id (byte order), so that a cursor stays valid under concurrent inserts. */
  readonly documents: readonly DocumentRecord[];
  /** More records follow the last one. */
  readonly hasMore: boolean;
}

export type ApiKeyRole = 'index' | 'query' | 'admin' | 'extractions';

export interface ApiKeyRecord {
  /** Public part of the key, shown in lists and logs. */
  readonly keyId: string;
  readonly customerId: string;
  /** Corpora the key may use; null = every corpus of the customer. */
  readonly corpusIds: readonly string[] | null;
  readonly role: ApiKeyRole;
  /** SHA-256 (hex) of the secret part; the secret itself is never stored. */
  readonly secretSha256: string;
  readonly name: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

export type PutOutcome =
  | { readonly status: 'created'; readonly stored: StoredDocumentSummary }
  /** The same content was already stored under this key: nothing was written or charged. */
  | { readonly status: 'replayed'; readonly stored: StoredDocumentSummary };

/** undefined leaves a limit unchanged; null resets it to the configured default; -1 is unlimited. */
export interface QuotaLimitsUpdate {
  readonly maxChars?: StoredLimit;
  readonly maxDocs?: StoredLimit;
}

export interface UsageReport extends ScopeUsage {
  /** Documents reserved by the scope's pending (queued or processing) batch jobs. */
  readonly reservedDocs: number;
  readonly usedTextChars: number;
  readonly usedMetadataChars: number;
}

/**
 * Documents of a corpus. Every store implements this, CorpusStore and ApiKeyStore (together:
 * Store) and passes the shared conformance suite in test/store/conformance.ts. Driver errors are
 * translated at the store's edge: callers only ever see the domain errors of src/errors (a lock
 * held too long: UnavailableError, 503; a unique key taken: the replay or ConflictError path).
 * Stores keep data; policy (who may, which limits apply) is the use cases' and the quota module's.
 */
export interface DocumentStore {
  /** Called before parsing an upload whose id is known (raw files): replay or conflict early. */
  findDocument(key: DocumentKey): Promise<StoredDocumentSummary | null>;
  /**
   * Called before decoding a Document upload: a document stored from the same upload (bytes +
   * doc_metadata, NewDocument.uploadHash) in this corpus.
   */
  findDocumentByUploadHash(ref: CorpusRef, uploadHash: string): Promise<StoredDocumentSummary | null>;
  /** The stored Document, binary protobuf. */
  getDocument(key: DocumentKey): Promise<Uint8Array | null>;

  /**
   * In one atomic step: when the key is free, ask `admit` about the customer's then the corpus's
   * usage, with the documents reserved by pending batch jobs of the scope (except the job whose
   * id is this document's: its reservation becomes the charge) as `reservedDocs` (it throws
   * QuotaExceededError to refuse), insert and charge; when the key holds the
   * same contentHash, replay; otherwise throw ConflictError. Concurrent calls for one key see
   * exactly one 'created'.
   */
  putIfAbsent(doc: NewDocument, admit: QuotaCheck): Promise<PutOutcome>;

  /** A page of the corpus's documents, ordered by id. */
  listDocuments(ref: CorpusRef, query: ListQuery): Promise<ListPage>;
  getDocumentRecord(key: DocumentKey): Promise<DocumentRecord | null>;
  /**
   * In one atomic step: removes the document and gives its charge back to both quota scopes; the
   * batch job that stored it (same id), unless processing, goes too, with its file when no other
   * job needs it. False when nothing was stored under the key.
   */
  deleteDocument(key: DocumentKey): Promise<boolean>;
}

/** Customers' corpora, with each scope's own limits and usage. */
export interface CorpusStore {
  /** Creates the corpus (and its customer when new). Returns created:false when it existed. */
  createCorpus(input: CorpusRef & { readonly name: string }): Promise<{ created: boolean }>;
  getCorpus(ref: CorpusRef): Promise<CorpusRecord | null>;
  /** The customer's corpora, ordered by corpus id (numerically). */
  listCorpora(customerId: string): Promise<CorpusRecord[]>;
  /** Sets limits of a customer (corpusId undefined) or a corpus; false when it does not exist. */
  setQuota(ref: QuotaScopeRef, limits: QuotaLimitsUpdate): Promise<boolean>;
  /** The scope's own limits and usage; null when it does not exist. */
  getUsage(ref: QuotaScopeRef): Promise<UsageReport | null>;
}

export interface ApiKeyStore {
  createApiKey(key: ApiKeyRecord): Promise<void>;
  getApiKey(keyId: string): Promise<ApiKeyRecord | null>;
  /** Every key, or the customer's, newest first. */
  listApiKeys(customerId?: string): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked (from then on it is refused); false when there is no such key. */
  revokeApiKey(keyId: string, at: string): Promise<boolean>;
}

/** What opening a store did to its schema: versions count the migrations applied. */
export interface SchemaReport {
  /** The version the database had when the store opened it (0: a new database). */
  readonly before: number;
  /** The version after the migrations this build knows ran: this build's latest. */
  readonly after: number;
}

/** Everything the gateway keeps, in one database. */
export interface Store extends DocumentStore, CorpusStore, ApiKeyStore, JobStore {
  /**
   * The migrations opening this store ran (`corpusgate migrate` prints them). Optional so that a
   * store without versioned migrations still is a Store; the migrate command then says so.
   */
  readonly schema?: SchemaReport;
  close(): Promise<void>;
  /** A cheap round trip to a database server, for /readyz (absent: /readyz reads through the store). */
  ping?(): Promise<void>;
  /** The connection pool's counters, for /metrics, when the store has a pool (PostgreSQL). */
  poolStats?(): PoolStats;
}

export interface PoolStats {
  /** Connections open, idle or in use. */
  readonly total: number;
  readonly idle: number;
  /** Callers waiting for a connection (the pool is at DATABASE_POOL_SIZE). */
  readonly waiting: number;
}
