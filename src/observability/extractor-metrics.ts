import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { ClientClosedError, GatewayError } from '../errors/index.js';
import type { Extractor } from '../extract/index.js';

const EXTRACTION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * The extractor, timed per call, with the pool's own counters (stopped parses, queue, running,
 * workers) read at scrape time. The worker itself knows nothing of metrics.
 */
export function instrumentExtractor(extractor: Extractor, registry: Registry): Extractor {
  const duration = new Histogram({
    name: 'corpusgate_extraction_duration_seconds',
    help:
      'Extraction calls by input type as detected on upload (pdf, zip = docx|pptx|odt|epub, ole2 = doc, text, html, markdown, rtf, email, image, document-binary|text|json) and outcome ' +
      '(OK or an error internalCode), from submission to result: the wait for a worker is included.',
    labelNames: ['type', 'outcome'] as const,
    buckets: EXTRACTION_BUCKETS,
    registers: [registry],
  });
  registerPoolGauges(extractor, registry);
  return {
    get stopped() {
      return extractor.stopped;
    },
    get queueSize() {
      return extractor.queueSize;
    },
    get running() {
      return extractor.running;
    },
    get workers() {
      return extractor.workers;
    },
    close: () => extractor.close(),
    async extract(task, signal) {
      const stopTimer = duration.startTimer({ type: task.format.name });
      let outcome = 'OK';
      try {
        return await extractor.extract(task, signal);
      } catch (err) {
        outcome = err instanceof GatewayError ? err.code : err instanceof ClientClosedError ? 'CLIENT_CLOSED' : 'INTERNAL';
        throw err;
      } finally {
        stopTimer({ outcome });
      }
    },
  };
}

/** The pool's counters and gauges, copied from the extractor when scraped. */
function registerPoolGauges(extractor: Extractor, registry: Registry): void {
  const registers = [registry];
  new Counter({
    name: 'corpusgate_extraction_stopped_total',
    help:
      'Parses stopped early, by reason: timeout, memory and crash killed their worker; cancelled (the client ' +
      'left) killed it when the parse was running; busy was refused before queueing (503).',
    labelNames: ['reason'] as const,
    registers,
    collect() {
      // The pool keeps the running totals; a scrape copies them.
      this.reset();
      for (const [reason, count] of Object.entries(extractor.stopped)) this.inc({ reason }, count);
    },
  });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  gauge('corpusgate_extraction_queue_depth', 'Files waiting for an extraction worker (EXTRACT_QUEUE_MAX bounds it).', () => extractor.queueSize);
  gauge('corpusgate_extraction_running', 'Parses running in a worker now.', () => extractor.running);
  gauge('corpusgate_extraction_workers', 'Extraction worker threads alive.', () => extractor.workers);
}
