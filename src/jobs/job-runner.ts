import { ClientClosedError, GatewayError, isRetryable, WorkerStoppedError } from '../errors/index.js';
import { QUARANTINED, type JobRecord } from '../store/index.js';
import { processJob, type JobDeps } from '../usecases/index.js';
import { holdLease } from './lease.js';

/** How a job ended, for the metrics: its outcome and, when it failed, its error code. */
export type JobEnd =
  | { readonly outcome: 'done' }
  | { readonly outcome: 'failed'; readonly code: string }
  /** `cause`: how its last attempt took the worker or the process down (lease_expired: the process died). */
  | { readonly outcome: 'quarantined'; readonly cause: 'timeout' | 'memory' | 'crash' | 'lease_expired' };

export interface JobRunnerOptions {
  /** Jobs extracted at once (the extraction pool's workers: more would only queue there). */
  readonly concurrency: number;
  /** How long a claim holds a job (JOB_LEASE_MS); renewed every third of it while the job runs. */
  readonly leaseMs: number;
  /** Attempts that took a worker or the process down before a job is quarantined (JOB_MAX_ATTEMPTS). */
  readonly maxAttempts: number;
  /** How often to look for jobs without being woken (other processes, expired leases, retries). */
  readonly pollMs: number;
  /** Unexpected failures (a bug, a database error): logged, never thrown. */
  readonly onError?: (message: string, err: unknown) => void;
  /** Told of every job this runner brought to an end (recorded under its claim). */
  readonly onJobEnd?: (end: JobEnd) => void;
}

export interface JobRunner {
  /** Jobs are waiting: look now. */
  wake(): void;
  /** Stops claiming; running jobs are cancelled and given back to the queue. */
  stop(): Promise<void>;
}

/** What running and settling a job need of the runner. */
interface Settle {
  readonly deps: JobDeps;
  readonly options: JobRunnerOptions;
  readonly onError: (message: string, err: unknown) => void;
  readonly onJobEnd: (end: JobEnd) => void;
}

/**
 * The gateway's background loop over the durable job queue: claims jobs (round-robin across
 * customers, then FIFO: the store's order) while fewer than `concurrency` run, processes each
 * through the upload use case under a renewed lease, and marks it done, or failed with its error's
 * code. Retryable failures (the pool busy, the database locked) go back to the queue; a parse that
 * killed or timed out its worker is tried again until JOB_MAX_ATTEMPTS, then quarantined.
 */
export function startJobRunner(deps: JobDeps, options: JobRunnerOptions): JobRunner {
  const inFlight = new Set<Promise<void>>();
  const abort = new AbortController();
  const onError = options.onError ?? (() => {});
  const onJobEnd = options.onJobEnd ?? (() => {});
  const settle: Settle = { deps, options, onError, onJobEnd };
  // A job of a dead process quarantined by our claim: its last attempt died with its process.
  const claimOptions = { maxAttempts: options.maxAttempts, onQuarantine: () => onJobEnd({ outcome: 'quarantined', cause: 'lease_expired' }) };
  let stopped = false;
  let pumping = false;
  let again = false;

  const pump = async (): Promise<void> => {
    if (pumping) return void (again = true);
    pumping = true;
    try {
      while (!stopped && inFlight.size < options.concurrency) {
        const job = await deps.store.claimJob(options.leaseMs, claimOptions);
        if (!job) break;
        const running: Promise<void> = runJob(settle, job, abort.signal, () => stopped).then((next) => {
          inFlight.delete(running);
          // A job given back (busy pool, locked database) waits for the next poll: no hot loop.
          if (next) wake();
        });
        inFlight.add(running);
      }
    } catch (err) {
      onError('claiming a job failed', err);
    } finally {
      pumping = false;
      const more = again && !stopped;
      again = false;
      if (more) wake();
    }
  };

  const wake = (): void => void pump();
  const timer = setInterval(wake, options.pollMs);
  timer.unref();
  wake();

  return {
    wake,
    async stop() {
      stopped = true;
      clearInterval(timer);
      abort.abort();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/**
 * Processes one claimed job under its renewed lease and records the outcome, unless another claim
 * took the job meanwhile (then that claim's outcome is the one recorded, never ours). True when
 * the runner should look for the next job now.
 */
async function runJob(settle: Settle, job: JobRecord, stopSignal: AbortSignal, stopping: () => boolean): Promise<boolean> {
  const { deps, options, onError, onJobEnd } = settle;
  const lease = holdLease(deps.store, job, options.leaseMs, stopSignal, onError);
  let outcome: { ok: true; pages: number | null } | { ok: false; err: unknown };
  try {
    outcome = { ok: true, ...(await processJob(deps, job, lease.signal)) };
  } catch (err) {
    outcome = { ok: false, err };
  } finally {
    lease.release();
  }
  if (lease.lost()) return true;
  try {
    if (!outcome.ok) return await settleFailure(settle, job, outcome.err, stopping());
    if (await deps.store.completeJob(job.jobId, job.attempts, { pages: outcome.pages })) onJobEnd({ outcome: 'done' });
    return true;
  } catch (e) {
    onError(`job ${job.jobId}: recording its outcome failed`, e);
    return false;
  }
}

/**
 * A failed attempt: back to the queue, the attempt given back (stopping, or retryable: false, wait
 * for the next poll); a worker killed or timed out: back to the queue with the attempt counted, or
 * quarantined on the last one (true); else failed with its error's code (true).
 */
async function settleFailure({ deps, options, onError, onJobEnd }: Settle, job: JobRecord, err: unknown, stopping: boolean): Promise<boolean> {
  if (stopping || err instanceof ClientClosedError || isRetryable(err)) {
    await deps.store.releaseJob(job.jobId, job.attempts);
    return false;
  }
  if (err instanceof WorkerStoppedError) {
    if (job.attempts < options.maxAttempts) {
      await deps.store.requeueJob(job.jobId, job.attempts);
      return true;
    }
    const detail = `quarantined after ${job.attempts} attempt${job.attempts === 1 ? '' : 's'}; the last one: ${err.code}: ${err.message}`;
    if (await deps.store.failJob(job.jobId, job.attempts, { code: QUARANTINED, detail })) onJobEnd({ outcome: 'quarantined', cause: err.stopCause });
    return true;
  }
  let error = { code: 'INTERNAL', detail: 'internal error; the gateway logged the cause' };
  if (err instanceof GatewayError) error = { code: err.code, detail: err.message };
  else onError(`job ${job.jobId} failed unexpectedly`, err);
  if (await deps.store.failJob(job.jobId, job.attempts, error)) onJobEnd({ outcome: 'failed', code: error.code });
  return true;
}
