import type { JobRecord, JobStore } from '../store/index.js';

/** A claim's lease, renewed while its job runs. */
export interface HeldLease {
  /** Aborted when the runner stops or the claim was lost: the job's extraction stops. */
  readonly signal: AbortSignal;
  /** The claim no longer holds the job (a renewal found another claim's attempt, or none). */
  lost(): boolean;
  /** Stops renewing (before the outcome is recorded). */
  release(): void;
}

/**
 * Renews the claim's lease every third of `leaseMs`, so that a lease can be short (a dead
 * process's jobs are taken again soon) however long a parse takes: two renewals may fail (a
 * database locked for a while) before the lease runs out. A renewal that finds the claim gone
 * (the lease ran out first, e.g. the event loop stalled, and another claim took the job) aborts
 * the job's extraction; its outcome is then never recorded — the other claim's is.
 */
export function holdLease(
  store: Pick<JobStore, 'renewLease'>,
  job: JobRecord,
  leaseMs: number,
  stopping: AbortSignal,
  onError: (message: string, err: unknown) => void,
): HeldLease {
  const lostClaim = new AbortController();
  let renewing = false;
  const renew = async () => {
    if (renewing || lostClaim.signal.aborted) return; // a renewal still waiting for the lock: no pile-up
    renewing = true;
    try {
      if (!(await store.renewLease(job.jobId, job.attempts, leaseMs))) lostClaim.abort();
    } catch (err) {
      onError(`job ${job.jobId}: renewing its lease failed (tried again in ${Math.round(leaseMs / 3)} ms)`, err);
    } finally {
      renewing = false;
    }
  };
  const timer = setInterval(() => void renew(), Math.max(1, Math.floor(leaseMs / 3)));
  timer.unref();
  return {
    signal: AbortSignal.any([stopping, lostClaim.signal]),
    lost: () => lostClaim.signal.aborted,
    release: () => clearInterval(timer),
  };
}
