import type { JobRecord, JobStatus } from './job-store.js';

/**
 * A jobs row as both stores read it (SQLite as stored; PostgreSQL with bigint as a number and
 * timestamptz as ISO 8601, see pg-connection.ts).
 */
export interface JobRow {
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

export const JOB_COLUMNS = `job_id, customer_id, corpus_id, filename, sha256, size, uploader, status, attempts, lease_until,
  error_code, error_detail, pages, created_at, updated_at`;

/** Jobs that still need their kept file: pending ones, and failed ones (a retry reads it again). */
export const NEEDING_FILE = "('queued', 'processing', 'failed')";

export function toJob(row: JobRow): JobRecord {
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
