import type { JobRecord } from '../../store/index.js';

/**
 * A batch job as the Documind-style routes answer it (GET /api/v1/documents/{id}, the list) and
 * the operators' job list (GET /v2/corpora/{corpus}/jobs): the JobStatus schema.
 */
export function jobBody(job: JobRecord): Record<string, unknown> {
  return {
    id: job.jobId,
    filename: job.filename,
    status: job.status,
    error: job.error,
    created_at: job.createdAt,
    updated_at: job.updatedAt,
    pages: job.pages,
    size: job.size,
    sha256: job.sha256,
  };
}
