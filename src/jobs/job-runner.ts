import { ClientClosedError, GatewayError, isRetryable } from '../errors/index.js';
import type { JobRecord } from '../store/index.js';
import { processJob, type JobDeps } from '../usecases/index.js';

export interface JobRunnerOptions {
  /** Jobs extracted at once (the extraction pool's workers: more would only queue there). */
  readonly concurrency: number;
  /** How long a claim holds a job; past it (a crashed process) another claim takes it. */
  readonly leaseMs: number;
  /** How often to look for jobs without being woken (other processes, expired leases, retries). */
  readonly pollMs: number;
  /** Unexpected failures (a bug, a database error): logged, never thrown. */
  readonly onError?: (message: string, err: unknown) => void;
}

export interface JobRunner {
  /** Jobs are waiting: look now. */
  wake(): void;
  /** Stops claiming; running jobs are cancelled and given back to the queue. */
  stop(): Promise<void>;
}

/**
 * The gateway's background loop over the durable job queue: claims jobs (round-robin across
 * customers, then FIFO: the store's order) while fewer than `concurrency` run, processes each
 * through the upload use case, and marks it done, or failed with its error's internalCode.
 * Retryable failures (the pool busy, the database locked) go back to the queue.
 */
export function startJobRunner(deps: JobDeps, options: JobRunnerOptions): JobRunner {
  const inFlight = new Set<Promise<void>>();
  const abort = new AbortController();
  const onError = options.onError ?? (() => {});
  let stopped = false;
  let pumping = false;
  let again = false;

  const pump = async (): Promise<void> => {
    if (pumping) return void (again = true);
    pumping = true;
    try {
      while (!stopped && inFlight.size < options.concurrency) {
        const job = await deps.store.claimJob(options.leaseMs);
        if (!job) break;
        const running: Promise<void> = run(job).then((next) => {
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

  /** Processes one claimed job; true when the runner should look for the next one now. */
  const run = async (job: JobRecord): Promise<boolean> => {
    try {
      const result = await processJob(deps, job, abort.signal);
      await deps.store.completeJob(job.jobId, job.attempts, result);
      return true;
    } catch (err) {
      return settleFailure(deps, job, err, stopped, onError).catch((e: unknown) => {
        onError(`job ${job.jobId}: recording its failure failed`, e);
        return false;
      });
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
 * A failed attempt: back to the queue (stopping, or retryable: false, wait for the next poll),
 * else failed with its error's code (true).
 */
async function settleFailure(deps: JobDeps, job: JobRecord, err: unknown, stopping: boolean, onError: (m: string, e: unknown) => void): Promise<boolean> {
  if (stopping || err instanceof ClientClosedError || isRetryable(err)) {
    await deps.store.releaseJob(job.jobId, job.attempts);
    return false;
  }
  if (err instanceof GatewayError) {
    await deps.store.failJob(job.jobId, job.attempts, { code: err.code, detail: err.message });
    return true;
  }
  onError(`job ${job.jobId} failed unexpectedly`, err);
  await deps.store.failJob(job.jobId, job.attempts, { code: 'INTERNAL', detail: 'internal error; the gateway logged the cause' });
  return true;
}
