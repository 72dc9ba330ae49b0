import type { BatchQuotaCheck } from '../quota/index.js';
import type { CorpusRef } from './document-store.js';

/** Where a batch-uploaded file is: waiting, being extracted, stored as a Document, or given up. */
export type JobStatus = 'queued' | 'processing' | 'done' | 'failed';

/** One accepted file of a batch upload (POST /api/v1/upload), to extract later. */
export interface NewJob extends CorpusRef {
  /** A UUID: the id answered to the client, and the id of the Document once stored. */
  readonly jobId: string;
  readonly filename: string;
  /** SHA-256 of the file's bytes: the file is kept as DATA_DIR/files/<sha256>. */
  readonly sha256: string;
  readonly size: number;
  /** Who uploaded it: the token subject, or "apikey:<id>". */
  readonly uploader: string;
}

export interface JobError {
  /** The error's internalCode (CORRUPT, ENCRYPTED, NO_TEXT, QUOTA_EXCEEDED, …). */
  readonly code: string;
  readonly detail: string;
}

export interface JobRecord extends NewJob {
  readonly status: JobStatus;
  /**
   * Attempts so far: a claim counts one and is answered with its number; a claim given back
   * unspent (releaseJob: the process stopping, the pool busy) gives it back.
   */
  readonly attempts: number;
  readonly error: JobError | null;
  /** Pages of the extracted Document, when it has them (PDFs) and is done. */
  readonly pages: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** While processing: the claim holds until then; past it, the job is claimable again. */
  readonly leaseUntil: string | null;
}

/** A batch's file, written to a spool file: moved into the store's files with the jobs. */
export interface SpooledFile {
  readonly sha256: string;
  readonly spooledTo: string;
}

export interface CreateJobsOptions {
  /**
   * Asked, inside the transaction, about the customer's then the corpus's usage with the
   * documents reserved by their pending (queued or processing) jobs: throws to refuse the whole
   * batch. From the commit on, the new jobs reserve their documents until each is stored (the
   * reservation becomes the charge) or fails (the reservation is given back).
   */
  readonly admit?: BatchQuotaCheck;
  /** Spool files to move into the store's files (DATA_DIR/files/<sha256>) in the same transaction. */
  readonly files?: readonly SpooledFile[];
}

export interface JobPageQuery {
  /** At most this many jobs. */
  readonly limit: number;
  /** Only jobs in one of these states; absent: all. */
  readonly statuses?: readonly JobStatus[];
  /** Keyset cursor: only jobs queued after the one with this position (JobPage.lastSeq). */
  readonly afterSeq?: number;
}

export interface JobPage {
  /** FIFO: in the order the jobs were queued (the order the runner takes them within a customer). */
  readonly jobs: readonly JobRecord[];
  /** The position of the page's last job (a cursor for the next page); null when the page is empty. */
  readonly lastSeq: number | null;
  readonly hasMore: boolean;
}
/** Which jobs listJobs answers (all of them, oldest first, without a filter). */
export interface JobFilter {
  readonly customerId?: string;
  readonly corpusId?: string;
  readonly status?: JobStatus;
  /** At most this many (the oldest first). */
  readonly limit?: number;
}

export interface ClaimOptions {
  /**
   * A job past its lease (its process died) that has had this many attempts is not claimed: in the
   * claim's own transaction it becomes failed with QUARANTINED (default: no limit).
   */
  readonly maxAttempts?: number;
  /** Told of each job the claim quarantined, once it committed. */
  readonly onQuarantine?: (job: JobRecord) => void;
}

/** The error code of a job given up after JOB_MAX_ATTEMPTS attempts that took its worker or process down. */
export const QUARANTINED = 'QUARANTINED';

/**
 * The durable queue of batch uploads. Every store implements it (test/store/job-conformance.ts).
 * A job is finished (complete/fail/release) only by the claim that holds it: the attempt number
 * a claim answered, so a worker whose lease ran out cannot overwrite the next claim's outcome.
 */
export interface JobStore {
  /**
   * All of a batch's jobs, queued, in one atomic step (in order: FIFO follows it), with the quota
   * check and the move of their files. Refused (admit throws, an id is taken): nothing is kept.
   */
  createJobs(jobs: readonly NewJob[], options?: CreateJobsOptions): Promise<void>;
  /**
   * Atomically claims one job — queued, or processing with an expired lease — for `leaseMs`:
   * round-robin across customers (the one served least recently first), then FIFO. Null: none.
   */
  claimJob(leaseMs: number, options?: ClaimOptions): Promise<JobRecord | null>;
  /** Extends the claim's lease to `leaseMs` from now; false when this claim no longer holds the job. */
  renewLease(jobId: string, attempt: number, leaseMs: number): Promise<boolean>;
  /**
   * processing → done; false when this claim no longer holds the job. Its file is removed in the
   * same step unless another pending or failed job still needs the same bytes.
   */
  completeJob(jobId: string, attempt: number, result: { readonly pages: number | null }): Promise<boolean>;
  /** processing → failed, with the error; false when this claim no longer holds the job. */
  failJob(jobId: string, attempt: number, error: JobError): Promise<boolean>;
  /**
   * processing → queued, the attempt given back (the process is stopping, the pool is busy: not
   * the file's doing); false when this claim no longer holds it.
   */
  releaseJob(jobId: string, attempt: number): Promise<boolean>;
  /**
   * processing → queued, the attempt counted (the parse killed or timed out its worker: try again
   * later); false when this claim no longer holds it.
   */
  requeueJob(jobId: string, attempt: number): Promise<boolean>;
  /**
   * failed → queued, attempts back to 0 and the error cleared (an operator's retry). False when
   * there is no such job or it is not failed.
   */
  retryJob(jobId: string): Promise<boolean>;
  /** Any corpus's job with this id, or null (operators). */
  findJob(jobId: string): Promise<JobRecord | null>;
  /** Jobs matching the filter, oldest first. */
  listJobs(filter: JobFilter): Promise<JobRecord[]>;
  /** How many jobs are queued and processing now (all corpora). */
  countActiveJobs(): Promise<{ readonly queued: number; readonly processing: number }>;
  /** The corpus's job with this id, or null. */
  getJob(ref: CorpusRef, jobId: string): Promise<JobRecord | null>;
  /**
   * The id of the earliest upload of these bytes into the corpus: a batch job, else a stored
   * document with this source SHA-256; null when there is none.
   */
  findEarlierUpload(ref: CorpusRef, sha256: string): Promise<string | null>;
  /** A page of the corpus's jobs, FIFO (named so: the job CLI's listing is another method). */
  pageJobs(ref: CorpusRef, query: JobPageQuery): Promise<JobPage>;
  /**
   * In one atomic step: removes the corpus's job, its stored Document if there is one (its charge
   * given back, as deleteDocument does) and its file unless another pending or failed job needs
   * it. False when there is no such job; JobProcessingError while it is being processed.
   */
  deleteJob(ref: CorpusRef, jobId: string): Promise<boolean>;
}
