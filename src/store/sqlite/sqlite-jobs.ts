import type { BatchQuotaCheck } from '../../quota/index.js';
import type { CorpusRef, DocumentKey, QuotaScopeRef } from '../document-store.js';
import type { FileVault } from '../file-vault.js';
import {
  QUARANTINED, type ClaimOptions, type CreateJobsOptions, type JobError, type JobRecord, type JobStatus, type JobStore, type NewJob,
  type SpooledFile,
} from '../job-store.js';
import { ConflictError, JobProcessingError } from '../../errors/index.js';
import { scopeOf, toScopeUsage, type UsageRow } from './rows.js';
import { JOB_COLUMNS, NEEDING_FILE, NEXT_JOB, PENDING, toJob, type JobRow } from './sqlite-job-rows.js';
import { SqliteJobReads } from './sqlite-job-reads.js';
import type { SqliteConnection } from './sqlite-connection.js';

const attemptsText = (n: number) => `${n} attempt${n === 1 ? '' : 's'}`;

/**
 * The job methods of the SQLite store: each one read or one write transaction of the connection.
 * It owns the batch files' lifecycle (the vault): moving spool files in happens in the transaction
 * that commits their jobs, and removing a file in the transaction that finds no job needing it, so
 * the two serialise on the database's write lock (across processes too) and cannot race.
 */
export class SqliteJobs extends SqliteJobReads implements JobStore {
  constructor(
    connection: SqliteConnection,
    private readonly vault: FileVault,
  ) {
    super(connection);
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
