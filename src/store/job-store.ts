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
  /** How many times it was claimed; a claim is answered with its attempt number. */
  readonly attempts: number;
  readonly error: JobError | null;
  /** Pages of the extracted Document, when it has them (PDFs) and is done. */
  readonly pages: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** While processing: the claim holds until then; past it, the job is claimable again. */
  readonly leaseUntil: string | null;
}

/**
 * The durable queue of batch uploads. Every store implements it (test/store/job-conformance.ts).
 * A job is finished (complete/fail/release) only by the claim that holds it: the attempt number
 * a claim answered, so a worker whose lease ran out cannot overwrite the next claim's outcome.
 */
export interface JobStore {
  /** All of a batch's jobs, queued, in one atomic step (in order: FIFO follows it). */
  createJobs(jobs: readonly NewJob[]): Promise<void>;
  /**
   * Atomically claims one job — queued, or processing with an expired lease — for `leaseMs`:
   * round-robin across customers (the one served least recently first), then FIFO. Null: none.
   */
  claimJob(leaseMs: number): Promise<JobRecord | null>;
  /** processing → done; false when this claim no longer holds the job. */
  completeJob(jobId: string, attempt: number, result: { readonly pages: number | null }): Promise<boolean>;
  /** processing → failed, with the error; false when this claim no longer holds the job. */
  failJob(jobId: string, attempt: number, error: JobError): Promise<boolean>;
  /** processing → queued (the process is stopping); false when this claim no longer holds it. */
  releaseJob(jobId: string, attempt: number): Promise<boolean>;
  /** The corpus's job with this id, or null. */
  getJob(ref: CorpusRef, jobId: string): Promise<JobRecord | null>;
  /**
   * The id of the earliest upload of these bytes into the corpus: a batch job, else a stored
   * document with this source SHA-256; null when there is none.
   */
  findEarlierUpload(ref: CorpusRef, sha256: string): Promise<string | null>;
}
