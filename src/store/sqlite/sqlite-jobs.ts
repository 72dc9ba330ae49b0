import type { CorpusRef } from '../document-store.js';
import { QUARANTINED, type ClaimOptions, type JobError, type JobFilter, type JobRecord, type JobStatus, type JobStore, type NewJob } from '../job-store.js';
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

const attemptsText = (n: number) => `${n} attempt${n === 1 ? '' : 's'}`;

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

  async claimJob(leaseMs: number, options: ClaimOptions = {}): Promise<JobRecord | null> {
    // An idle gateway polls: a read first, so that it takes the write lock only when there is work.
    const any = await this.connection.read(() => this.sql(NEXT_JOB).pluck().get(new Date().toISOString()) as string | undefined);
    if (any === undefined) return null;
    // No limit given: a number no attempt count reaches (SQLite integers are 64-bit).
    const maxAttempts = options.maxAttempts ?? Number.MAX_SAFE_INTEGER;
    const { job, quarantined } = await this.connection.write(() => {
      const now = new Date();
      const at = now.toISOString();
      const quarantined = this.quarantineExpired(at, maxAttempts);
      for (;;) {
        const next = this.sql(`SELECT job_id, attempts FROM jobs WHERE job_id = (${NEXT_JOB})`).get(at) as Pick<JobRow, 'job_id' | 'attempts'> | undefined;
        if (next === undefined) return { job: null, quarantined };
        if (next.attempts >= maxAttempts) {
          // Queued with its attempts spent: JOB_MAX_ATTEMPTS was lowered since it went back to the queue.
          quarantined.push(this.quarantine(next.job_id, `quarantined after ${attemptsText(next.attempts)}, the most allowed now`, at));
          continue;
        }
        const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
        this.sql(
          `UPDATE jobs SET status = 'processing', attempts = attempts + 1, lease_until = ?, claimed_at = ?, updated_at = ?
           WHERE job_id = ?`,
        ).run(leaseUntil, at, at, next.job_id);
        return { job: this.jobRow(next.job_id), quarantined };
      }
    });
    for (const spent of quarantined) options.onQuarantine?.(spent);
    return job;
  }

  /**
   * Inside the claim's transaction: every job past its lease that has had `maxAttempts` attempts
   * becomes failed with QUARANTINED instead of starting another: its last attempt died with its
   * process (killed, or taken down by the parse). Only processing rows are read (few: one per
   * running parse), through the status index.
   */
  private quarantineExpired(at: string, maxAttempts: number): JobRecord[] {
    const spent = this.sql(`SELECT job_id, attempts FROM jobs WHERE status = 'processing' AND lease_until < ? AND attempts >= ?`)
      .all(at, maxAttempts) as Pick<JobRow, 'job_id' | 'attempts'>[];
    const why = 'the last one ended with its claim expired: its process stopped before it finished, e.g. the parse took the process down';
    return spent.map((row) => this.quarantine(row.job_id, `quarantined after ${attemptsText(row.attempts)}; ${why}`, at));
  }

  private quarantine(jobId: string, detail: string, at: string): JobRecord {
    this.sql(`UPDATE jobs SET status = 'failed', lease_until = NULL, error_code = ?, error_detail = ?, updated_at = ? WHERE job_id = ?`)
      .run(QUARANTINED, detail, at, jobId);
    return this.jobRow(jobId);
  }

  private jobRow(jobId: string): JobRecord {
    return toJob(this.sql(`SELECT ${JOB_COLUMNS} FROM jobs WHERE job_id = ?`).get(jobId) as JobRow);
  }

  renewLease(jobId: string, attempt: number, leaseMs: number): Promise<boolean> {
    const leaseUntil = new Date(Date.now() + leaseMs).toISOString();
    // updated_at is left alone: clients see it as the time of the job's last change of state.
    return this.connection.write(
      () => this.sql(`UPDATE jobs SET lease_until = ? WHERE job_id = ? AND status = 'processing' AND attempts = ?`)
        .run(leaseUntil, jobId, attempt).changes === 1,
    );
  }

  completeJob(jobId: string, attempt: number, result: { readonly pages: number | null }): Promise<boolean> {
    return this.finish(jobId, attempt, "status = 'done', lease_until = NULL, pages = ?", [result.pages]);
  }

  failJob(jobId: string, attempt: number, error: JobError): Promise<boolean> {
    return this.finish(jobId, attempt, "status = 'failed', lease_until = NULL, error_code = ?, error_detail = ?", [error.code, error.detail]);
  }

  releaseJob(jobId: string, attempt: number): Promise<boolean> {
    return this.finish(jobId, attempt, "status = 'queued', lease_until = NULL, attempts = attempts - 1", []);
  }

  requeueJob(jobId: string, attempt: number): Promise<boolean> {
    return this.finish(jobId, attempt, "status = 'queued', lease_until = NULL", []);
  }

  retryJob(jobId: string): Promise<boolean> {
    const at = new Date().toISOString();
    return this.connection.write(
      () => this.sql(
        `UPDATE jobs SET status = 'queued', attempts = 0, error_code = NULL, error_detail = NULL, lease_until = NULL, updated_at = ?
         WHERE job_id = ? AND status = 'failed'`,
      ).run(at, jobId).changes === 1,
    );
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

  async findJob(jobId: string): Promise<JobRecord | null> {
    const row = await this.connection.read(() => this.sql(`SELECT ${JOB_COLUMNS} FROM jobs WHERE job_id = ?`).get(jobId) as JobRow | undefined);
    return row ? toJob(row) : null;
  }

  async listJobs(filter: JobFilter): Promise<JobRecord[]> {
    const where: string[] = [];
    const values: (string | number)[] = [];
    for (const [column, value] of [['customer_id', filter.customerId], ['corpus_id', filter.corpusId], ['status', filter.status]] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      values.push(value);
    }
    const text = `SELECT ${JOB_COLUMNS} FROM jobs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ?`;
    // LIMIT -1: no limit in SQLite.
    const rows = await this.connection.read(() => this.sql(text).all(...values, filter.limit ?? -1) as JobRow[]);
    return rows.map(toJob);
  }

  async countActiveJobs(): Promise<{ queued: number; processing: number }> {
    const rows = await this.connection.read(
      () => this.sql(`SELECT status, COUNT(*) AS n FROM jobs WHERE status IN ('queued', 'processing') GROUP BY status`).all() as { status: JobStatus; n: number }[],
    );
    const count = (status: JobStatus) => rows.find((row) => row.status === status)?.n ?? 0;
    return { queued: count('queued'), processing: count('processing') };
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
