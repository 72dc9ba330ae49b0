import type { Charge, ScopeUsage, StoredLimit } from '../quota/index.js';

/** Ids are canonical decimal strings: customer ids reach 2^63−1, past JavaScript's safe integers. */
export interface CorpusRef {
  readonly customerId: string;
  readonly corpusId: string;
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
  /** Who uploaded it: the token subject. */
  readonly uploader: string;
}

export interface NewDocument {
  readonly key: DocumentKey;
  readonly contentHash: string;
  /** The Document as binary protobuf. */
  readonly document: Uint8Array;
  readonly charge: Charge;
  readonly provenance: DocumentProvenance;
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
  readonly usedTextChars: number;
  readonly usedMetadataChars: number;
}

/**
 * Where documents, corpora and quotas live. Every implementation passes the shared conformance
 * suite in test/store/conformance.ts. Driver errors are translated here, at the edge: callers
 * only ever see the domain errors of src/errors.
 */
export interface DocumentStore {
  /** Creates the corpus (and its customer when new). Returns created:false when it existed. */
  createCorpus(input: CorpusRef & { readonly name: string }): Promise<{ created: boolean }>;
  getCorpus(ref: CorpusRef): Promise<CorpusRecord | null>;
  /** Sets limits of a customer (corpusId undefined) or a corpus; false when it does not exist. */
  setQuota(ref: { customerId: string; corpusId?: string }, limits: QuotaLimitsUpdate): Promise<boolean>;
  getUsage(ref: { customerId: string; corpusId?: string }): Promise<UsageReport | null>;

  /** Called before parsing an upload whose id is known (raw files): replay or conflict early. */
  findDocument(key: DocumentKey): Promise<StoredDocumentSummary | null>;
  /** Called before decoding a Document upload: the same bytes + metadata were stored already. */
  findDocumentByContentHash(ref: CorpusRef, contentHash: string): Promise<StoredDocumentSummary | null>;
  /** The stored Document, binary protobuf. */
  getDocument(key: DocumentKey): Promise<Uint8Array | null>;

  /**
   * In one atomic step: when the key is free, check every quota (QuotaExceededError), insert and
   * charge; when the key holds the same contentHash, replay; otherwise throw ConflictError.
   * Concurrent calls for one key see exactly one 'created'.
   */
  putIfAbsent(doc: NewDocument): Promise<PutOutcome>;

  close(): Promise<void>;
}
