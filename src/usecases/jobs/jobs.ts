import { authorize, type Principal } from '../../auth/index.js';
import { InvalidRequestError, JobNotFoundError, JobNotRetryableError } from '../../errors/index.js';
import type { JobFilter, JobRecord } from '../../store/index.js';
import type { UseCaseDeps } from '../deps.js';

/**
 * Batch jobs, filtered, oldest first. Without a customer only the local operator may list (every
 * customer's jobs); with one, an admin of that customer (of that corpus, with --corpus).
 */
export async function listJobs(deps: UseCaseDeps, principal: Principal, filter: JobFilter): Promise<JobRecord[]> {
  if (filter.customerId === undefined) {
    if (!principal.localOperator) throw new InvalidRequestError('INVALID_PARAMETER', 'name the customer whose jobs to list');
  } else {
    authorize(principal, { customerId: filter.customerId, ...(filter.corpusId !== undefined ? { corpusId: filter.corpusId } : {}) }, 'admin');
  }
  if (filter.limit !== undefined && (!Number.isSafeInteger(filter.limit) || filter.limit < 1)) {
    throw new InvalidRequestError('INVALID_PARAMETER', 'the limit must be a positive integer');
  }
  return deps.store.listJobs(filter);
}

/** One job, in any corpus the principal administers; JobNotFoundError otherwise (existence not disclosed). */
export async function showJob(deps: UseCaseDeps, principal: Principal, jobId: string): Promise<JobRecord> {
  const job = await deps.store.findJob(jobId);
  if (!job) throw new JobNotFoundError(jobId);
  try {
    authorize(principal, { customerId: job.customerId, corpusId: job.corpusId }, 'admin');
  } catch {
    throw new JobNotFoundError(jobId);
  }
  return job;
}

/**
 * Re-queues a failed job (QUARANTINED or any other error): attempts back to 0, error cleared; a
 * running gateway takes it at its next poll, from its file under DATA_DIR/files. JobNotRetryableError
 * for a job that is not failed (nothing changes).
 */
export async function retryJob(deps: UseCaseDeps, principal: Principal, jobId: string): Promise<JobRecord> {
  const job = await showJob(deps, principal, jobId);
  if (job.status !== 'failed') throw new JobNotRetryableError(jobId, job.status);
  if (!(await deps.store.retryJob(jobId))) {
    // Changed between the read and the update (another operator's retry): say what it is now.
    const now = await deps.store.findJob(jobId);
    throw new JobNotRetryableError(jobId, now?.status ?? 'gone');
  }
  return (await deps.store.findJob(jobId)) ?? job;
}
