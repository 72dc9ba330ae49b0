import type { QuotaCheck } from '../../quota/index.js';
import type {
  ApiKeyRecord,
  CorpusRecord,
  CorpusRef,
  DocumentKey,
  DocumentRecord,
  ListPage,
  ListQuery,
  PoolStats,
  NewDocument,
  PutOutcome,
  QuotaLimitsUpdate,
  QuotaScopeRef,
  SchemaReport,
  Store,
  StoredDocumentSummary,
  UsageReport,
} from '../document-store.js';
import { fileVault, type FileVault } from '../file-vault.js';
import type { ClaimOptions, CreateJobsOptions, JobError, JobFilter, JobPage, JobPageQuery, JobRecord, NewJob } from '../job-store.js';
import { PgApiKeys } from './pg-api-keys.js';
import { PgConnection, type PostgresStoreOptions } from './pg-connection.js';
import { PgCorpora } from './pg-corpora.js';
import { PgDocuments } from './pg-documents.js';
import { PgJobs } from './pg-jobs.js';
import { PgKeptFiles } from './pg-kept-files.js';
import { migratePostgres } from './pg-migrations.js';

export { DEFAULT_POOL_SIZE, type PostgresStoreOptions } from './pg-connection.js';

/** /readyz's SELECT 1 gives up after this long (the probe itself gives up after 2 s). */
const PING_TIMEOUT_MS = 1_000;

/**
 * The PostgreSQL store: a pool of `poolSize` connections to `url`, its schema migrated (see
 * pg-migrations.ts) before the store is returned. Several gateway processes may share one
 * database: every rule the SQLite store keeps by serialising writes is kept here by the database
 * (unique keys, row locks on the usage rows, SKIP LOCKED job claims).
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const connection = new PgConnection(options);
  let schema: SchemaReport;
  try {
    schema = await migratePostgres(connection);
  } catch (err) {
    await connection.close();
    throw err;
  }
  return new PostgresStore(connection, options.filesDir === undefined ? NO_FILES : fileVault(options.filesDir), schema);
}

/** Without filesDir: a batch's files cannot be kept, and there is nothing to remove. */
const NO_FILES: FileVault = {
  pathOf: () => {
    throw new Error('this PostgreSQL store was opened without filesDir: it keeps no batch files');
  },
  keepSync: () => {
    throw new Error('this PostgreSQL store was opened without filesDir: it keeps no batch files');
  },
  removeSync: () => {},
};

/** Each part (documents, corpora, API keys, jobs) is a class of its own; this one only delegates. */
class PostgresStore implements Store {
  private readonly documents: PgDocuments;
  private readonly corpora: PgCorpora;
  private readonly apiKeys: PgApiKeys;
  private readonly jobs: PgJobs;

  constructor(private readonly connection: PgConnection, files: FileVault, readonly schema: SchemaReport) {
    this.documents = new PgDocuments(connection);
    this.corpora = new PgCorpora(connection);
    this.apiKeys = new PgApiKeys(connection);
    this.jobs = new PgJobs(connection, new PgKeptFiles(connection, files));
  }

  findDocument(key: DocumentKey): Promise<StoredDocumentSummary | null> { return this.documents.findDocument(key); }
  findDocumentByUploadHash(ref: CorpusRef, uploadHash: string): Promise<StoredDocumentSummary | null> { return this.documents.findDocumentByUploadHash(ref, uploadHash); }
  getDocument(key: DocumentKey): Promise<Uint8Array | null> { return this.documents.getDocument(key); }
  putIfAbsent(doc: NewDocument, admit: QuotaCheck): Promise<PutOutcome> { return this.documents.putIfAbsent(doc, admit); }
  listDocuments(ref: CorpusRef, query: ListQuery): Promise<ListPage> { return this.documents.listDocuments(ref, query); }
  getDocumentRecord(key: DocumentKey): Promise<DocumentRecord | null> { return this.documents.getDocumentRecord(key); }
  // With the batch job that stored the Document: see PgJobs.deleteDocument.
  deleteDocument(key: DocumentKey): Promise<boolean> { return this.jobs.deleteDocument(key); }

  createCorpus(input: CorpusRef & { name: string }): Promise<{ created: boolean }> { return this.corpora.createCorpus(input); }
  getCorpus(ref: CorpusRef): Promise<CorpusRecord | null> { return this.corpora.getCorpus(ref); }
  listCorpora(customerId: string): Promise<CorpusRecord[]> { return this.corpora.listCorpora(customerId); }
  setQuota(ref: QuotaScopeRef, limits: QuotaLimitsUpdate): Promise<boolean> { return this.corpora.setQuota(ref, limits); }
  getUsage(ref: QuotaScopeRef): Promise<UsageReport | null> { return this.corpora.getUsage(ref); }

  createApiKey(key: ApiKeyRecord): Promise<void> { return this.apiKeys.createApiKey(key); }
  getApiKey(keyId: string): Promise<ApiKeyRecord | null> { return this.apiKeys.getApiKey(keyId); }
  listApiKeys(customerId?: string): Promise<ApiKeyRecord[]> { return this.apiKeys.listApiKeys(customerId); }
  revokeApiKey(keyId: string, at: string): Promise<boolean> { return this.apiKeys.revokeApiKey(keyId, at); }

  // The batch upload's jobs (src/store/job-store.ts), kept in a file of their own (pg-jobs.ts).
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
  deleteJob(ref: CorpusRef, jobId: string): Promise<boolean> { return this.jobs.deleteJob(ref, jobId); }

  ping(): Promise<void> {
    return this.connection.ping(PING_TIMEOUT_MS);
  }

  poolStats(): PoolStats {
    return this.connection.stats();
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
