import { ConflictError, JobProcessingError } from '../../errors/index.js';
import type { CorpusRef, DocumentKey } from '../document-store.js';
import type { ClaimOptions, CreateJobsOptions, JobError, JobFilter, JobPage, JobPageQuery, JobRecord, JobStatus, JobStore, NewJob } from '../job-store.js';
import type { PgConnection, Queryable } from './pg-connection.js';
import { tryLockUsage } from './pg-corpora.js';
import { removeDocument } from './pg-documents.js';
import { PgJobAdmin } from './pg-job-admin.js';
import { claimJob, renewLease } from './pg-job-claims.js';
import { JOB_COLUMNS, toJob, type JobRow } from '../job-rows.js';
import type { PgKeptFiles } from './pg-kept-files.js';
import { admitBatch } from './pg-reservations.js';

/**
 * The job methods of the PostgreSQL store (src/store/job-store.ts), with the SQLite store's
 * semantics: quota reservation (pg-reservations.ts) and the kept files' lifecycle (pg-kept-files.ts).
 */
export class PgJobs implements JobStore {
  private readonly admin: PgJobAdmin;

  constructor(
    private readonly connection: PgConnection,
    private readonly files: PgKeptFiles,
  ) {
    this.admin = new PgJobAdmin(connection);
  }

  /**
   * One transaction: the quota check on the locked usage rows (admit), one INSERT of every job in
   * the batch's order (seq follows it: FIFO), then, once nothing else can refuse the batch, the
   * spool files renamed in (under their locks) before COMMIT.
   *
   * When the transaction fails after some renames — a rename failing, or the COMMIT itself — the
   * moved files are released: removed unless a committed job needs them. A COMMIT that failed
   * because the connection was lost may still have landed; the release then finds the new jobs
   * and keeps their files, and when it cannot reach the database either, the files stay behind as
   * unneeded ones (disk space, removed with the next job of the same bytes): never a committed job
   * without its file. The caller gets the transaction's error either way (503 for a lost connection).
   */
  async createJobs(jobs: readonly NewJob[], options: CreateJobsOptions = {}): Promise<void> {
    const moved = new Set<string>();
    try {
      await this.connection.transaction(
        async (client) => {
          if (options.admit) await admitBatch(client, jobs, options.admit);
          await insertJobs(client, jobs);
          await this.files.moveIn(client, options.files ?? [], moved);
        },
        // A job id taken: nothing was created.
        () => Promise.reject(new ConflictError(jobs.map((job) => job.jobId).join(', '))),
      );
    } catch (err) {
      // The transaction's error matters to the caller, not the clean-up's (files left behind, see above).
      await this.files.release(moved).catch(() => {});
      throw err;
    }
  }

  // Claims and leases (pg-job-claims.ts), and the operators' methods (pg-job-admin.ts).
  claimJob(leaseMs: number, options?: ClaimOptions): Promise<JobRecord | null> { return claimJob(this.connection, leaseMs, options); }
  renewLease(jobId: string, attempt: number, leaseMs: number): Promise<boolean> { return renewLease(this.connection, jobId, attempt, leaseMs); }
  retryJob(jobId: string): Promise<boolean> { return this.admin.retryJob(jobId); }
  findJob(jobId: string): Promise<JobRecord | null> { return this.admin.findJob(jobId); }
  listJobs(filter: JobFilter): Promise<JobRecord[]> { return this.admin.listJobs(filter); }
  countActiveJobs(): Promise<{ queued: number; processing: number }> { return this.admin.countActiveJobs(); }

  completeJob(jobId: string, attempt: number, result: { readonly pages: number | null }): Promise<boolean> {
    // The Document is stored: its file is not needed any more (unless another job's is the same).
    return this.finish(jobId, attempt, "status = 'done', lease_until = NULL, pages = $3", [result.pages], true);
  }

  failJob(jobId: string, attempt: number, error: JobError): Promise<boolean> {
    return this.finish(jobId, attempt, "status = 'failed', lease_until = NULL, error_code = $3, error_detail = $4", [error.code, error.detail]);
  }

  releaseJob(jobId: string, attempt: number): Promise<boolean> {
    // Not the file's doing (stopping, the pool busy): the attempt is given back.
    return this.finish(jobId, attempt, "status = 'queued', lease_until = NULL, attempts = attempts - 1", []);
  }

  requeueJob(jobId: string, attempt: number): Promise<boolean> {
    // The parse killed or timed out its worker: back to the queue, the attempt counted.
    return this.finish(jobId, attempt, "status = 'queued', lease_until = NULL", []);
  }

  /** Moves a job out of processing, if the claim with this attempt number still holds it ($1, $2). */
  private async finish(jobId: string, attempt: number, set: string, values: unknown[], release = false): Promise<boolean> {
    const { rows } = await this.connection.query<{ sha256: string }>(
      `UPDATE jobs SET ${set}, updated_at = clock_timestamp() WHERE job_id = $1 AND status = 'processing' AND attempts = $2
       RETURNING sha256`,
      [jobId, attempt, ...values],
    );
    // Released once the UPDATE has committed (see PgKeptFiles): a failure there is thrown, the job stays done.
    if (rows[0] && release) await this.files.release([rows[0].sha256]);
    return rows.length === 1;
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

  async pageJobs(ref: CorpusRef, query: JobPageQuery): Promise<JobPage> {
    const params: unknown[] = [ref.customerId, ref.corpusId, query.afterSeq ?? 0];
    let where = 'customer_id = $1 AND corpus_id = $2 AND seq > $3';
    // An empty list matches nothing, as in the SQLite store.
    if (query.statuses !== undefined) where += ` AND status = ANY($${params.push([...query.statuses])}::text[])`;
    const { rows } = await this.connection.query<JobRow & { seq: number }>(
      `SELECT seq, ${JOB_COLUMNS} FROM jobs WHERE ${where} ORDER BY seq LIMIT $${params.push(query.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    return { jobs: page.map(toJob), lastSeq: page.at(-1)?.seq ?? null, hasMore: rows.length > query.limit };
  }

  /**
   * See JobStore.deleteJob. Lock order: the usage rows (customer, corpus), as every charge takes
   * them, then the job row (FOR UPDATE: a claim running now either committed first, and the job
   * is processing, or skips the locked row). The file is released after the commit.
   */
  async deleteJob(ref: CorpusRef, jobId: string): Promise<boolean> {
    const sha256 = await this.connection.transaction(async (client) => {
      if (!(await tryLockUsage(client, ref))) return null; // no such corpus: no such job
      const { rows } = await client.query<{ status: JobStatus; sha256: string }>(
        'SELECT status, sha256 FROM jobs WHERE job_id = $1 AND customer_id = $2 AND corpus_id = $3 FOR UPDATE',
        [jobId, ref.customerId, ref.corpusId],
      );
      const job = rows[0];
      if (!job) return null;
      // Decided as in the SQLite store: never while processing (its Document could be stored after the job is gone).
      if (job.status === 'processing') throw new JobProcessingError(jobId);
      await removeDocument(client, { ...ref, documentId: jobId });
      await client.query('DELETE FROM jobs WHERE job_id = $1', [jobId]);
      return job.sha256;
    });
    if (sha256 === null) return false;
    await this.files.release([sha256]);
    return true;
  }

  /**
   * The operator's document delete: the Document with its charge given back and, in the same
   * transaction, the batch job that stored it (so that the job and document views never
   * disagree), unless processing — it holds a stored Document only when a crashed claim is
   * replayed, and will store it again and finish as done. The job's file is released afterwards.
   */
  async deleteDocument(key: DocumentKey): Promise<boolean> {
    const outcome = await this.connection.transaction(async (client) => {
      if (!(await tryLockUsage(client, key)) || !(await removeDocument(client, key))) return null;
      const { rows } = await client.query<{ sha256: string }>(
        `DELETE FROM jobs WHERE job_id = $1 AND customer_id = $2 AND corpus_id = $3 AND status <> 'processing' RETURNING sha256`,
        [key.documentId, key.customerId, key.corpusId],
      );
      return { sha256: rows[0]?.sha256 };
    });
    if (outcome === null) return false;
    if (outcome.sha256 !== undefined) await this.files.release([outcome.sha256]);
    return true;
  }
}

/** One INSERT of every job, in the batch's order. */
async function insertJobs(client: Queryable, jobs: readonly NewJob[]): Promise<void> {
  const column = <K extends keyof NewJob>(k: K) => jobs.map((job) => job[k]);
  await client.query(
    `INSERT INTO jobs (job_id, customer_id, corpus_id, filename, sha256, size, uploader, status, created_at, updated_at)
     SELECT job_id, customer_id, corpus_id, filename, sha256, size, uploader, 'queued', now(), now()
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[])
       WITH ORDINALITY AS t (job_id, customer_id, corpus_id, filename, sha256, size, uploader, n)
     ORDER BY n`,
    [column('jobId'), column('customerId'), column('corpusId'), column('filename'), column('sha256'), column('size'), column('uploader')],
  );
}
