import type { RequestHandler } from 'express';
import { markProbe, requestLogger } from '../observability/index.js';
import type { Route } from './route.js';

/** Scrapes and health checks: logged at debug, so that they do not drown the request lines. */
const probe: RequestHandler = (req, _res, next) => {
  markProbe(req);
  next();
};

/**
 * Operator endpoints, without authentication (they carry no customer data): keep them off the
 * public ingress. Answers are built here rather than in views.ts: they are not part of the
 * Vectara contract.
 */
export const OPS_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/metrics',
    operation: {
      operationId: 'metrics',
      summary: 'Prometheus metrics (no credential: keep it off the public ingress)',
      auth: false,
      ok: { 200: { 'text/plain': { type: 'string', description: 'Prometheus text exposition format 0.0.4' } } },
      errors: [],
    },
    handlers: ({ metrics }) => [
      probe,
      async (_req, res) => {
        res.setHeader('Content-Type', metrics.registry.contentType);
        res.send(await metrics.registry.metrics());
      },
    ],
  },
  {
    method: 'GET',
    path: '/healthz',
    operation: { operationId: 'health', summary: 'The process is up', auth: false, ok: { 200: 'Health' }, errors: [] },
    // The process is up and its event loop answers; dependencies are /readyz's business.
    handlers: () => [probe, (_req, res) => void res.json({ status: 'ok' })],
  },
  {
    method: 'GET',
    path: '/readyz',
    operation: {
      operationId: 'readiness',
      summary: 'Ready to serve: database reachable, workers alive, data directory writable (503 otherwise, and while draining)',
      auth: false,
      ok: { 200: 'Readiness', 503: 'Readiness' },
      errors: [],
    },
    handlers: ({ readiness }) => [
      probe,
      async (req, res) => {
        const report = await readiness.report();
        // Probe lines are debug; a failing dependency is worth a line at the default level.
        if (report.status === 'not ready') requestLogger(req)?.warn({ checks: report.checks }, 'not ready');
        res.status(report.status === 'ready' ? 200 : 503).json(report);
      },
    ],
  },
];
