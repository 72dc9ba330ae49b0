import type { CorpusRef } from '../document-store.js';
import type { JobError, JobRecord, JobStatus, JobStore, NewJob } from '../job-store.js';
import { ConflictError } from '../../errors/index.js';
import type { SqliteConnection } from './sqlite-connection.js';

interface JobRow {
  job_id: string;
  customer_id: string;
  corpus_id: string;
  filename: string;
  sha256: string;
  size: number;
  uploader: string;
  status: JobStatus;
  attempts: number;
  lease_until: string | null;
  error_code: string | null;
  error_detail: string | null;
  pages: number | null;
  created_at: string;
  updated_at: string;
}

const JOB_COLUMNS = `job_id, customer_id, corpus_id, filename, sha256, size, uploader, status, attempts, lease_until,
  error_code, error_detail, pages, created_at, updated_at`;

function toJob(row: JobRow): JobRecord {
  return {
    jobId: row.job_id,
    customerId: row.customer_id,
    corpusId: row.corpus_id,
    filename: row.filename,
    sha256: row.sha256,
    size: row.size,
    uploader: row.uploader,
    status: row.status,
    attempts: row.attempts,
    error: row.error_code === null ? null : { code: row.error_code, detail: row.error_detail ?? '' },
    pages: row.pages,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    leaseUntil: row.lease_until,
  };
}

/**
 * Claimable jobs (queued, or processing past their lease), the customer served least recently
 * first (never served: first of all), then FIFO. ISO 8601 timestamps of one format compare as text.
 */
const NEXT_JOB = `
  SELECT j.job_id FROM jobs j
  WHERE j.status = 'queued' OR (j.status = 'processing' AND j.lease_until < ?)
  ORDER BY (SELECT MAX(k.claimed_at) FROM jobs k WHERE k.customer_id = j.customer_id) ASC NULLS FIRST, j.seq ASC
  LIMIT 1`;

/** The job methods of the SQLite store: each one read or one write transaction of the connection. */
export class SqliteJobs implements JobStore {
  constructor(private readonly connection: SqliteConnection) {}

  private sql(text: string) {
    return this.connection.sql(text);
  }

  async createJobs(jobs: readonly NewJob[]): Promise<void> {
    const now = new Date().toISOString();
    await this.connection.write(
      () => {
        for (const job of jobs) {
          this.sql(
            `INSERT INTO jobs (job_id, customer_id, corpus_id, filename, sha256, size, uploader, status, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
          ).run(job.jobId, job.customerId, job.corpusId, job.filename, job.sha256, job.size, job.uploader, now, now);
        }
      },
      // A job id taken: nothing was created.
      () => new ConflictError(jobs.map((job) => job.jobId).join(', ')),
    );
  }

  async claimJob(leaseMs: number): Promise<JobRecord | null> {
    // An idle gateway polls: a read first, so that it takes the write lock only when there is work.
    const any = await this.connection.read(() => this.sql(NEXT_JOB).pluck().get(new Date().toISOString()) as string | undefined);
    if (any === undefined) return null;
    return this.connection.write(() => {
      const now = new Date();
      const at = now.toISOString();
      const jobId = this.sql(NEXT_JOB).pluck().get(at) as string | undefined;
      if (jobId === undefined) return null;
      const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
      this.sql(
        `UPDATE jobs SET status = 'processing', attempts = attempts + 1, lease_until = ?, claimed_at = ?, updated_at = ?
         WHERE job_id = ?`,
      ).run(leaseUntil, at, at, jobId);
      return toJob(this.sql(`SELECT ${JOB_COLUMNS} FROM jobs WHERE job_id = ?`).get(jobId) as JobRow);
    });
  }

  completeJob(jobId: string, attempt: number, result: { readonly pages: number | null }): Promise<boolean> {
    return this.finish(jobId, attempt, "status = 'done', lease_until = NULL, pages = ?", [result.pages]);
  }

  failJob(jobId: string, attempt: number, error: JobError): Promise<boolean> {
    return this.finish(jobId, attempt, "status = 'failed', lease_until = NULL, error_code = ?, error_detail = ?", [error.code, error.detail]);
  }

  releaseJob(jobId: string, attempt: number): Promise<boolean> {
    return this.finish(jobId, attempt, "status = 'queued', lease_until = NULL", []);
  }

  /** Moves a job out of processing, if the claim with this attempt number still holds it. */
  private finish(jobId: string, attempt: number, set: string, values: (string | number | null)[]): Promise<boolean> {
    const at = new Date().toISOString();
    return this.connection.write(
      () => this.sql(`UPDATE jobs SET ${set}, updated_at = ? WHERE job_id = ? AND status = 'processing' AND attempts = ?`)
        .run(...values, at, jobId, attempt).changes === 1,
    );
  }

  async getJob(ref: CorpusRef, jobId: string): Promise<JobRecord | null> {
    const row = await this.connection.read(
      () => this.sql(`SELECT ${JOB_COLUMNS} FROM jobs WHERE job_id = ? AND customer_id = ? AND corpus_id = ?`)
        .get(jobId, ref.customerId, ref.corpusId) as JobRow | undefined,
    );
    return row ? toJob(row) : null;
  }

  async findEarlierUpload(ref: CorpusRef, sha256: string): Promise<string | null> {
    return this.connection.read(() => {
      const job = this.sql('SELECT job_id FROM jobs WHERE customer_id = ? AND corpus_id = ? AND sha256 = ? ORDER BY seq LIMIT 1')
        .pluck().get(ref.customerId, ref.corpusId, sha256) as string | undefined;
      if (job !== undefined) return job;
      const doc = this.sql(
        'SELECT document_id FROM documents WHERE customer_id = ? AND corpus_id = ? AND source_sha256 = ? ORDER BY created_at LIMIT 1',
      ).pluck().get(ref.customerId, ref.corpusId, sha256) as string | undefined;
      return doc ?? null;
    });
  }
}
