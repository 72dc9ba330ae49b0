import { ConflictError } from '../../errors/index.js';
import type { CorpusRef } from '../document-store.js';
import type { JobError, JobRecord, JobStatus, JobStore, NewJob } from '../job-store.js';
import type { PgConnection } from './pg-connection.js';

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
 * One claim in one statement: the next claimable job (queued, or processing past its lease), the
 * customer served least recently first (never served: first of all), then FIFO — the SQLite
 * store's order — locked FOR UPDATE SKIP LOCKED and updated.
 *
 * The claim's time ($1) is the caller's clock when it asked, as in the SQLite store, not the
 * database's now(): the statement may start milliseconds later (a pool connection being opened),
 * and two claims asked for at the same moment must agree on which leases have run out. Hosts
 * synchronised by NTP differ by milliseconds, far below the leases the runner takes (≥ 60 s).
 *
 * SKIP LOCKED and the fairness order: each claimer ranks customers on its own snapshot, so two
 * claims running at the same moment may both pick the same least-recently-served customer; the
 * second skips the first's locked row and takes that customer's next job. One job is still claimed
 * once, and claims one after another follow the order exactly; only simultaneous claims are
 * approximately fair. Exact fairness under concurrency would need the claims serialised (an
 * advisory lock around the choice), giving back what SKIP LOCKED is for: claimers that never wait
 * for each other. The ranking runs a MAX per claimable job (index jobs_by_customer_claim), fine
 * for queues of thousands.
 */
const CLAIM = `
  WITH next AS (
    SELECT j.seq FROM jobs j
    WHERE j.status = 'queued' OR (j.status = 'processing' AND j.lease_until < $1::timestamptz)
    ORDER BY (SELECT max(k.claimed_at) FROM jobs k WHERE k.customer_id = j.customer_id) ASC NULLS FIRST, j.seq ASC
    LIMIT 1
    FOR UPDATE OF j SKIP LOCKED
  )
  UPDATE jobs SET status = 'processing', attempts = attempts + 1, lease_until = $2, claimed_at = $1, updated_at = $1
  FROM next WHERE jobs.seq = next.seq
  RETURNING ${JOB_COLUMNS}`;

/** The job methods of the PostgreSQL store (src/store/job-store.ts), apart so that new ones are easy to add. */
export class PgJobs implements JobStore {
  constructor(private readonly connection: PgConnection) {}

  /** One INSERT of every job, in the batch's order (seq follows it: FIFO). */
  async createJobs(jobs: readonly NewJob[]): Promise<void> {
    const column = <K extends keyof NewJob>(k: K) => jobs.map((job) => job[k]);
    await this.connection.transaction(
      async (client) => {
        await client.query(
          `INSERT INTO jobs (job_id, customer_id, corpus_id, filename, sha256, size, uploader, status, created_at, updated_at)
           SELECT job_id, customer_id, corpus_id, filename, sha256, size, uploader, 'queued', now(), now()
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[])
             WITH ORDINALITY AS t (job_id, customer_id, corpus_id, filename, sha256, size, uploader, n)
           ORDER BY n`,
          [column('jobId'), column('customerId'), column('corpusId'), column('filename'), column('sha256'), column('size'), column('uploader')],
        );
      },
      // A job id taken: nothing was created.
      () => Promise.reject(new ConflictError(jobs.map((job) => job.jobId).join(', '))),
    );
  }

  async claimJob(leaseMs: number): Promise<JobRecord | null> {
    const now = new Date();
    const { rows } = await this.connection.query<JobRow>(CLAIM, [now.toISOString(), new Date(now.getTime() + leaseMs).toISOString()]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  completeJob(jobId: string, attempt: number, result: { readonly pages: number | null }): Promise<boolean> {
    return this.finish(jobId, attempt, "status = 'done', lease_until = NULL, pages = $3", [result.pages]);
  }

  failJob(jobId: string, attempt: number, error: JobError): Promise<boolean> {
    return this.finish(jobId, attempt, "status = 'failed', lease_until = NULL, error_code = $3, error_detail = $4", [error.code, error.detail]);
  }

  releaseJob(jobId: string, attempt: number): Promise<boolean> {
    return this.finish(jobId, attempt, "status = 'queued', lease_until = NULL", []);
  }

  /** Moves a job out of processing, if the claim with this attempt number still holds it ($1, $2). */
  private async finish(jobId: string, attempt: number, set: string, values: unknown[]): Promise<boolean> {
    const result = await this.connection.query(
      `UPDATE jobs SET ${set}, updated_at = clock_timestamp() WHERE job_id = $1 AND status = 'processing' AND attempts = $2`,
      [jobId, attempt, ...values],
    );
    return result.rowCount === 1;
  }

  async getJob(ref: CorpusRef, jobId: string): Promise<JobRecord | null> {
    const { rows } = await this.connection.query<JobRow>(
      `SELECT ${JOB_COLUMNS} FROM jobs WHERE job_id = $1 AND customer_id = $2 AND corpus_id = $3`,
      [jobId, ref.customerId, ref.corpusId],
    );
    return rows[0] ? toJob(rows[0]) : null;
  }

  async findEarlierUpload(ref: CorpusRef, sha256: string): Promise<string | null> {
    const params = [ref.customerId, ref.corpusId, sha256];
    const job = await this.connection.query<{ job_id: string }>(
      'SELECT job_id FROM jobs WHERE customer_id = $1 AND corpus_id = $2 AND sha256 = $3 ORDER BY seq LIMIT 1',
      params,
    );
    if (job.rows[0]) return job.rows[0].job_id;
    const doc = await this.connection.query<{ document_id: string }>(
      'SELECT document_id FROM documents WHERE customer_id = $1 AND corpus_id = $2 AND source_sha256 = $3 ORDER BY created_at LIMIT 1',
      params,
    );
    return doc.rows[0]?.document_id ?? null;
  }
}
