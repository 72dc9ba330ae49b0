import type { Config } from '../config/index.js';
import type { Extractor } from '../extract/index.js';
import { quotaPolicy } from '../quota/index.js';
import type { FileVault, Store } from '../store/index.js';
import { startJobRunner, type JobRunner, type JobRunnerOptions } from './job-runner.js';

export { startJobRunner, type JobRunner, type JobRunnerOptions } from './job-runner.js';

/** How often the runner looks for jobs it was not told about. */
export const JOB_POLL_MS = 1000;

/**
 * The gateway's job runner, from the configuration: as many jobs at once as extraction workers,
 * and a lease well past the longest parse (EXTRACT_TIMEOUT_MS, with its one retry and waiting).
 */
export function startConfiguredJobRunner(
  config: Config,
  parts: { store: Store; extractor: Extractor; files: FileVault },
  onError?: JobRunnerOptions['onError'],
): JobRunner {
  return startJobRunner({ ...parts, quota: quotaPolicy(config.quotaDefaults) }, {
    concurrency: config.extract.workers,
    leaseMs: Math.max(60_000, 4 * config.extract.timeoutMs),
    pollMs: JOB_POLL_MS,
    ...(onError ? { onError } : {}),
  });
}
