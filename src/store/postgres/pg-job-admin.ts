import type { JobFilter, JobRecord, JobStatus } from '../job-store.js';
import type { PgConnection } from './pg-connection.js';
import { JOB_COLUMNS, toJob, type JobRow } from '../job-rows.js';

/** The operators' job methods of the PostgreSQL store (`corpusgate jobs`, metrics), as SqliteJobs has them. */
export class PgJobAdmin {
  constructor(private readonly connection: PgConnection) {}

  /** failed → queued, attempts 0, error cleared; its kept file is still there (failed jobs keep theirs). */
  async retryJob(jobId: string): Promise<boolean> {
    const result = await this.connection.query(
      `UPDATE jobs SET status = 'queued', attempts = 0, error_code = NULL, error_detail = NULL, lease_until = NULL, updated_at = clock_timestamp()
       WHERE job_id = $1 AND status = 'failed'`,
      [jobId],
    );
    return result.rowCount === 1;
  }

  async findJob(jobId: string): Promise<JobRecord | null> {
    const { rows } = await this.connection.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE job_id = $1`, [jobId]);
    return rows[0] ? toJob(rows[0]) : null;
  }

  async listJobs(filter: JobFilter): Promise<JobRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    for (const [column, value] of [['customer_id', filter.customerId], ['corpus_id', filter.corpusId], ['status', filter.status]] as const) {
      if (value !== undefined) where.push(`${column} = $${values.push(value)}`);
    }
    // LIMIT NULL: no limit.
    const limit = `$${values.push(filter.limit ?? null)}::bigint`;
    const { rows } = await this.connection.query<JobRow>(
      `SELECT ${JOB_COLUMNS} FROM jobs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ${limit}`,
      values,
    );
    return rows.map(toJob);
  }

  async countActiveJobs(): Promise<{ queued: number; processing: number }> {
    const { rows } = await this.connection.query<{ status: JobStatus; n: number }>(
      `SELECT status, count(*) AS n FROM jobs WHERE status IN ('queued', 'processing') GROUP BY status`,
    );
    const count = (status: JobStatus) => rows.find((row) => row.status === status)?.n ?? 0;
    return { queued: count('queued'), processing: count('processing') };
  }
}
