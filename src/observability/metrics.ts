import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobEnd } from '../jobs/index.js';
import { jobCounters } from './job-metrics.js';

/** One finished request, as the metrics see it. Labels are bounded: no ids, no raw paths. */
export interface RequestSample {
  readonly method: string;
  /** The matched route template, or 'unmatched'. */
  readonly route: string;
  readonly status: number;
  readonly outcome: string;
  readonly durationSeconds: number;
  readonly bytesReceived: number;
  readonly isUpload: boolean;
  /** Set when a quota refused the request. */
  readonly quota?: { readonly scope: string; readonly unit: string };
}

export interface GatewayMetrics {
  /** Per app, never the global registry: tests build several apps in one process. */
  readonly registry: Registry;
  requestStarted(): void;
  requestFinished(sample: RequestSample): void;
  /** A batch job brought to an end by this process's job runner. */
  jobEnded(end: JobEnd): void;
  /** An upload rate-limit decision taken in process memory because Redis (REDIS_URL) failed. */
  rateLimitStoreFailed(): void;
}

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** `processMetrics` adds prom-client's process_* and nodejs_* metrics (once per process: the server). */
export function createMetrics(options: { processMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requests = new Counter({
    name: 'corpusgate_http_requests_total',
    help: 'HTTP requests by method, route template and status (499: the client left before the answer).',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'corpusgate_http_request_duration_seconds',
    help: 'Time from the request line to the end of the answer, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const inFlight = new Gauge({
    name: 'corpusgate_http_requests_in_flight',
    help: 'Requests received and not yet answered (this scrape included).',
    registers,
  });
  const received = new Counter({
    name: 'corpusgate_http_received_bytes_total',
    help: 'Bytes read from clients (request line, headers and body), by route template.',
    labelNames: ['route'] as const,
    registers,
  });
  const uploads = new Counter({
    name: 'corpusgate_uploads_total',
    help: 'Upload requests by outcome: OK, ALREADY_EXISTS, an error internalCode, or CLIENT_CLOSED.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const quotaRefusals = new Counter({
    name: 'corpusgate_quota_refusals_total',
    help: 'Requests refused by a quota (507), by scope (corpus, customer) and unit (chars, documents).',
    labelNames: ['scope', 'unit'] as const,
    registers,
  });

  const rateLimitFallbacks = new Counter({
    name: 'corpusgate_rate_limit_store_errors_total',
    help: 'Upload rate-limit decisions this process took in its own memory because Redis (REDIS_URL) did not answer.',
    registers,
  });

  return {
    registry,
    jobEnded: jobCounters(registry),
    rateLimitStoreFailed: () => rateLimitFallbacks.inc(),
    requestStarted: () => inFlight.inc(),
    requestFinished(sample) {
      inFlight.dec();
      const labels = { method: sample.method, route: sample.route, status: String(sample.status) };
      requests.inc(labels);
      duration.observe(labels, sample.durationSeconds);
      received.inc({ route: sample.route }, sample.bytesReceived);
      if (sample.isUpload) uploads.inc({ outcome: sample.outcome });
      if (sample.quota) quotaRefusals.inc(sample.quota);
    },
  };
}
