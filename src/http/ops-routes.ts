import { Router } from 'express';
import { markProbe, requestLogger, type GatewayMetrics, type Readiness } from '../observability/index.js';

export const OPS_PATHS = ['/metrics', '/healthz', '/readyz'] as const;

/**
 * Operator endpoints, without authentication (they carry no customer data): keep them off the
 * public ingress. Answers are built here rather than in views.ts: they are not part of the
 * Vectara contract.
 */
export function opsRouter(deps: { readonly metrics: GatewayMetrics; readonly readiness: Readiness }): Router {
  const router = Router();
  router.use([...OPS_PATHS], (req, _res, next) => {
    markProbe(req);
    next();
  });
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });
  // The process is up and its event loop answers; dependencies are /readyz's business.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    const report = await deps.readiness.report();
    // Probe lines are debug; a failing dependency is worth a line at the default level.
    if (report.status === 'not ready') requestLogger(req)?.warn({ checks: report.checks }, 'not ready');
    res.status(report.status === 'ready' ? 200 : 503).json(report);
  });
  return router;
}
