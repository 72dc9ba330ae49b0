import type { Config } from '../config/index.js';
import type { Extractor } from '../extract/index.js';
import { quotaPolicy } from '../quota/index.js';
import type { FileVault, Store } from '../store/index.js';
import { startJobRunner, type JobRunner, type JobRunnerOptions } from './job-runner.js';

export { startJobRunner, type JobEnd, type JobRunner, type JobRunnerOptions } from './job-runner.js';

/** How often the runner looks for jobs it was not told about. */
export const JOB_POLL_MS = 1000;

/**
 * The gateway's job runner, from the configuration: as many jobs at once as extraction workers,
 * a lease of JOB_LEASE_MS renewed while a job runs (so it need not outlast the longest parse),
 * and JOB_MAX_ATTEMPTS. The poll is at most a third of the lease: a dead process's jobs are
 * looked at soon after its lease ran out.
 */
export function startConfiguredJobRunner(
  config: Config,
  parts: { store: Store; extractor: Extractor; files: FileVault },
  onError?: JobRunnerOptions['onError'],
  onJobEnd?: JobRunnerOptions['onJobEnd'],
): JobRunner {
  return startJobRunner({ ...parts, quota: quotaPolicy(config.quotaDefaults) }, {
    concurrency: config.extract.workers,
    leaseMs: config.jobs.leaseMs,
    maxAttempts: config.jobs.maxAttempts,
    pollMs: Math.min(JOB_POLL_MS, Math.floor(config.jobs.leaseMs / 3)),
    ...(onError ? { onError } : {}),
    ...(onJobEnd ? { onJobEnd } : {}),
  });
}
