import type { CorpusRef } from '../document-store.js';
import type { JobFilter, JobPage, JobPageQuery, JobRecord, JobStatus } from '../job-store.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { JOB_COLUMNS, toJob, type JobRow } from './sqlite-job-rows.js';

/** The job store's reads: each one read transaction of the connection (SqliteJobs adds the writes). */
export class SqliteJobReads {
  constructor(protected readonly connection: SqliteConnection) {}

  protected sql(text: string) {
    return this.connection.sql(text);
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
}
