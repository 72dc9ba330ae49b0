import { Counter, Gauge, type Registry } from 'prom-client';
import type { JobEnd } from '../jobs/index.js';
import type { JobStore } from '../store/index.js';

/** The batch job counters the job runner feeds: `jobEnded` for every job it brought to an end. */
export function jobCounters(registry: Registry): (end: JobEnd) => void {
  const registers = [registry];
  const finished = new Counter({
    name: 'corpusgate_jobs_finished_total',
    help: 'Batch jobs brought to an end, by outcome (done, failed, quarantined) and code (the error code of a failed one, else empty).',
    labelNames: ['outcome', 'code'] as const,
    registers,
  });
  const quarantined = new Counter({
    name: 'corpusgate_jobs_quarantined_total',
    help: 'Batch jobs quarantined after JOB_MAX_ATTEMPTS attempts, by how the last one ended: timeout, memory, crash (the worker) or lease_expired (the process died).',
    labelNames: ['cause'] as const,
    registers,
  });
  return (end) => {
    if (end.outcome === 'quarantined') {
      finished.inc({ outcome: 'quarantined', code: 'QUARANTINED' });
      quarantined.inc({ cause: end.cause });
    } else {
      finished.inc({ outcome: end.outcome, code: end.outcome === 'failed' ? end.code : '' });
    }
  };
}

/**
 * Jobs queued and processing, read from the store at scrape time: the queue is shared by every
 * gateway on the database (and the CLI's retry), which a count kept by one runner would not see.
 */
export function registerJobQueueGauge(store: Pick<JobStore, 'countActiveJobs'>, registry: Registry): void {
  new Gauge({
    name: 'corpusgate_jobs_active',
    help: 'Batch jobs by status now: queued (waiting) or processing (claimed), all corpora and gateways of this database.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      try {
        const counts = await store.countActiveJobs();
        this.set({ status: 'queued' }, counts.queued);
        this.set({ status: 'processing' }, counts.processing);
      } catch {
        // The database is locked or closing: this scrape keeps the last values (/readyz reports the database).
      }
    },
  });
}
