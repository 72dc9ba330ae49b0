import type { BatchQuotaCheck } from '../../quota/index.js';
import type { CorpusRef, DocumentKey, QuotaScopeRef } from '../document-store.js';
import type { FileVault } from '../file-vault.js';
import {
  QUARANTINED, type ClaimOptions, type CreateJobsOptions, type JobError, type JobFilter, type JobPage, type JobPageQuery,
  type JobRecord, type JobStatus, type JobStore, type NewJob, type SpooledFile,
} from '../job-store.js';
import { ConflictError, JobProcessingError } from '../../errors/index.js';
import { scopeOf, toScopeUsage, type UsageRow } from './rows.js';
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
 * The next claimable job (queued, or processing past its lease): the customer served least
 * recently first (never served: first of all), then FIFO. ISO 8601 timestamps of one format
 * compare as text. Customer by customer (each one's first claimable job by index seeks, computed
 * once: MATERIALIZED keeps SQLite from flattening it into repeated subqueries), not every
 * claimable job ordered by its customer's last claim, which cost ~17 ms a claim on the event loop
 * with 10,000 queued jobs. Now (scripts/bench-claims.ts, 10,000 queued): ~0.1 ms with one
 * customer, ~1 ms with 100, ~7 ms with 2,000 customers all waiting (was 24): it grows with the
 * customers, not the jobs; past thousands of active customers a per-customer turn table would be next.
 */
const NEXT_JOB = `
  WITH ready AS MATERIALIZED (
    SELECT c.customer_id,
      (SELECT MIN(q.seq) FROM jobs q WHERE q.customer_id = c.customer_id AND q.status = 'queued') AS queued,
      (SELECT MIN(p.seq) FROM jobs p WHERE p.customer_id = c.customer_id AND p.status = 'processing' AND p.lease_until < ?) AS expired
    FROM customers c
  )
  SELECT j.job_id FROM ready r JOIN jobs j ON j.seq = COALESCE(min(r.queued, r.expired), r.queued, r.expired)
  ORDER BY (SELECT MAX(k.claimed_at) FROM jobs k WHERE k.customer_id = r.customer_id) ASC NULLS FIRST, j.seq ASC
  LIMIT 1`;

/** Pending jobs: their documents are reserved against the quota. */
const PENDING = "('queued', 'processing')";
/** Jobs that still need their file: pending ones, and failed ones (a retry reads it again). */
const NEEDING_FILE = "('queued', 'processing', 'failed')";

const attemptsText = (n: number) => `${n} attempt${n === 1 ? '' : 's'}`;

/**
 * The job methods of the SQLite store: each one read or one write transaction of the connection.
 * It owns the batch files' lifecycle (the vault): moving spool files in happens in the transaction
 * that commits their jobs, and removing a file in the transaction that finds no job needing it, so
 * the two serialise on the database's write lock (across processes too) and cannot race.
 */
export class SqliteJobs implements JobStore {
  constructor(
    private readonly connection: SqliteConnection,
    private readonly vault: FileVault,
  ) {}

  private sql(text: string) {
    return this.connection.sql(text);
  }

  async createJobs(jobs: readonly NewJob[], options: CreateJobsOptions = {}): Promise<void> {
    const now = new Date().toISOString();
    await this.connection.write(
      () => {
        if (options.admit) this.admitBatch(jobs, options.admit);
        for (const job of jobs) {
          this.sql(
            `INSERT INTO jobs (job_id, customer_id, corpus_id, filename, sha256, size, uploader, status, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
          ).run(job.jobId, job.customerId, job.corpusId, job.filename, job.sha256, job.size, job.uploader, now, now);
        }
        // Last, once nothing else can refuse the batch. Renames are fast and synchronous, as the
        // transaction must be: the event loop waits for them as it does for the inserts.
        this.moveIn(jobs, options.files ?? []);
      },
      // A job id taken: nothing was created.
      () => new ConflictError(jobs.map((job) => job.jobId).join(', ')),
    );
  }

  /** The batch's documents against each scope's limits, reserved documents included. */
  private admitBatch(jobs: readonly NewJob[], admit: BatchQuotaCheck): void {
    const counts = new Map<string, { ref: QuotaScopeRef; count: number }>();
    for (const job of jobs) {
      // Customer before corpus: the 507 names the wider scope when both would overflow.
      for (const ref of [{ customerId: job.customerId }, { customerId: job.customerId, corpusId: job.corpusId }]) {
        const key = JSON.stringify(ref);
        counts.set(key, { ref, count: (counts.get(key)?.count ?? 0) + 1 });
      }
    }
    for (const { ref, count } of counts.values()) {
      const { table, where, params } = scopeOf(ref);
      const row = this.sql(`SELECT max_chars, max_docs, used_chars, used_metadata_chars, used_docs FROM ${table} WHERE ${where}`)
        .get(...params) as UsageRow | undefined;
      if (!row) throw new Error(`the ${ref.corpusId === undefined ? 'customer' : 'corpus'} of a batch vanished during the upload`);
      admit({ ...toScopeUsage(ref.corpusId === undefined ? 'customer' : 'corpus', row), reservedDocs: this.reservedDocs(ref) }, count);
    }
  }

  /**
   * Documents reserved in the scope: its pending jobs whose Document is not stored yet (between
   * storing it and being marked done, a job's document is charged, not reserved), except
   * `exceptJobId`'s (a job storing its own Document converts its reservation into the charge: it
   * never blocks itself). Inside a transaction of the caller's.
   */
  reservedDocs(ref: QuotaScopeRef, exceptJobId = ''): number {
    const corpus = ref.corpusId === undefined ? '' : ' AND j.corpus_id = ?';
    const params = ref.corpusId === undefined ? [ref.customerId] : [ref.customerId, ref.corpusId];
    // Queued jobs are counted from the index alone. Those that may have stored their Document are
    // the processing ones (few: the claims running now); a job given back to the queue after
    // storing it (a stop in between) stays counted until it is replayed: a brief over-count.
    const queued = this.sql(`SELECT COUNT(*) FROM jobs j WHERE j.customer_id = ? AND j.status = 'queued'${corpus}`).pluck().get(...params) as number;
    const processing = this.sql(
      `SELECT COUNT(*) FROM jobs j WHERE j.customer_id = ? AND j.status = 'processing'${corpus}
         AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.customer_id = j.customer_id AND d.corpus_id = j.corpus_id AND d.document_id = j.job_id)`,
    ).pluck().get(...params) as number;
    const own = this.sql(
      `SELECT 1 FROM jobs j WHERE j.job_id = ? AND j.customer_id = ? AND j.status IN ${PENDING}${corpus}
         AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.customer_id = j.customer_id AND d.corpus_id = j.corpus_id AND d.document_id = j.job_id)`,
    ).pluck().get(exceptJobId, ...params);
    return queued + processing - (own === undefined ? 0 : 1);
  }

  /**
   * Renames the spool files into the vault. When one fails, the transaction is undone: the files
   * moved already are removed again unless a job committed earlier needs the same bytes.
   */
  private moveIn(jobs: readonly NewJob[], files: readonly SpooledFile[]): void {
    const moved: string[] = [];
    try {
      for (const file of files) {
        this.vault.keepSync(file.spooledTo, file.sha256);
        moved.push(file.sha256);
      }
    } catch (err) {
      for (const job of jobs) this.sql('DELETE FROM jobs WHERE job_id = ?').run(job.jobId); // rolled back anyway
      for (const sha256 of moved) this.releaseFile(sha256);
      throw err;
    }
  }

  /** Removes the file unless a job still needs it. Inside a write transaction of the caller's. */
  private releaseFile(sha256: string): void {
    const needed = this.sql(`SELECT 1 FROM jobs WHERE sha256 = ? AND status IN ${NEEDING_FILE} LIMIT 1`).pluck().get(sha256);
    if (needed === undefined) this.vault.removeSync(sha256);
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
    // The Document is stored: its file is not needed any more (unless another job's is the same).
    return this.finish(jobId, attempt, "status = 'done', lease_until = NULL, pages = ?", [result.pages], true);
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
  private finish(jobId: string, attempt: number, set: string, values: (string | number | null)[], release = false): Promise<boolean> {
    const at = new Date().toISOString();
    return this.connection.write(() => {
      const moved = this.sql(`UPDATE jobs SET ${set}, updated_at = ? WHERE job_id = ? AND status = 'processing' AND attempts = ?`)
        .run(...values, at, jobId, attempt).changes === 1;
      if (moved && release) this.releaseFile(this.sql('SELECT sha256 FROM jobs WHERE job_id = ?').pluck().get(jobId) as string);
      return moved;
    });
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

  async pageJobs(ref: CorpusRef, query: JobPageQuery): Promise<JobPage> {
    const where = ['customer_id = ?', 'corpus_id = ?', 'seq > ?'];
    const params: (string | number)[] = [ref.customerId, ref.corpusId, query.afterSeq ?? 0];
    if (query.statuses !== undefined) {
      where.push(`status IN (${query.statuses.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...query.statuses);
    }
    const rows = await this.connection.read(
      () => this.sql(`SELECT seq, ${JOB_COLUMNS} FROM jobs WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
        .all(...params, query.limit + 1) as (JobRow & { seq: number })[],
    );
    const page = rows.slice(0, query.limit);
    return { jobs: page.map(toJob), lastSeq: page.at(-1)?.seq ?? null, hasMore: rows.length > query.limit };
  }

  /** See JobStore.deleteJob; `removeDocument` is the store's document delete (with the refund), in this transaction. */
  async deleteJob(ref: CorpusRef, jobId: string, removeDocument: (key: DocumentKey) => void = () => {}): Promise<boolean> {
    return this.connection.write(() => {
      const job = this.sql('SELECT status, sha256 FROM jobs WHERE job_id = ? AND customer_id = ? AND corpus_id = ?')
        .get(jobId, ref.customerId, ref.corpusId) as { status: JobStatus; sha256: string } | undefined;
      if (!job) return false;
      // Decided: never while processing (its Document could be stored after the job is gone).
      if (job.status === 'processing') throw new JobProcessingError(jobId);
      removeDocument({ ...ref, documentId: jobId });
      this.sql('DELETE FROM jobs WHERE job_id = ?').run(jobId);
      this.releaseFile(job.sha256);
      return true;
    });
  }

  /**
   * The operator deleted the Document stored under this key: its batch job goes with it (and its
   * file, unless needed), so that the job and document views never disagree. Inside the delete's
   * write transaction. A processing job is left: it holds a stored Document only when a crashed
   * claim is replayed, and it will store the Document again and finish as done (views agree again).
   */
  forgetJobOfDocument(key: DocumentKey): void {
    const job = this.sql(`SELECT sha256 FROM jobs WHERE job_id = ? AND customer_id = ? AND corpus_id = ? AND status <> 'processing'`)
      .pluck().get(key.documentId, key.customerId, key.corpusId) as string | undefined;
    if (job === undefined) return;
    this.sql('DELETE FROM jobs WHERE job_id = ?').run(key.documentId);
    this.releaseFile(job);
  }
}
