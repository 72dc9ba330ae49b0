import express from 'express';
import type { Authenticator } from './auth/index.js';
import type { QuotaDefaults } from './config/index.js';
import type { Extractor } from './extract/index.js';
import type { FileVault, Store } from './store/index.js';
import { quotaPolicy } from './quota/index.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { methodsFor, registerRoutes } from './http/routes.js';
import { UPLOAD_PATHS } from './http/upload/upload-route.js';
import { observeRequests } from './http/observe-requests.js';
import * as obs from './observability/index.js';
import { NO_UPLOAD_LIMIT, type UploadLimiter } from './ratelimit/index.js';

export interface AppDeps {
  readonly store: Store;
  readonly extractor: Extractor;
  readonly authenticator: Authenticator;
  readonly maxUploadBytes: number;
  /** Batch upload (/api/v1/upload): MAX_BATCH_FILES, MAX_BATCH_BYTES, and where its files are kept. */
  readonly maxBatchFiles: number;
  readonly maxBatchBytes: number;
  readonly files: FileVault;
  /** The job runner's bell: an accepted batch has jobs waiting. */
  readonly wakeJobs?: () => void;
  /** Large uploads wait here for a worker; prepareSpoolDir() makes it (empty) at start. */
  readonly spoolDir: string;
  readonly quotaDefaults: QuotaDefaults;
  /** RATE_LIMIT_PER_MINUTE (src/ratelimit); absent = no limit. The caller closes it. */
  readonly uploadLimiter?: UploadLimiter;
  // Observability; the defaults are quiet (tests): no log lines, a registry of this app's own.
  readonly logger?: obs.Logger;
  /** One per app: buildApp registers the extraction and job queue metrics in it (the job runner counts jobs in it). */
  readonly metrics?: obs.GatewayMetrics;
  readonly readiness?: obs.Readiness;
}

/** The Express app, without listening: main.ts serves it, tests call it directly. */
export function buildApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  const logger = deps.logger ?? obs.silentLogger();
  const metrics = deps.metrics ?? obs.createMetrics();
  const readiness = deps.readiness ?? obs.gatewayReadiness(deps);
  const extractor = obs.instrumentExtractor(deps.extractor, metrics.registry);
  obs.registerStoreMetrics(deps.store, metrics.registry);
  obs.registerJobQueueGauge(deps.store, metrics.registry);
  app.use(observeRequests(obs.createRequestObserver({ logger, metrics, uploadRoutes: [...UPLOAD_PATHS, '/v1/index'] })));
  // The use cases' dependencies (the quota policy built once, from the configured defaults) and
  // the HTTP parts: every route of the table is built from them.
  registerRoutes(app, {
    ...deps,
    extractor,
    quota: quotaPolicy(deps.quotaDefaults),
    metrics,
    readiness,
    uploadLimiter: deps.uploadLimiter ?? NO_UPLOAD_LIMIT,
  });
  app.use(notFound(methodsFor));
  // Unexpected errors are logged once, with their request line (the request observer logs the
  // cause recordError() keeps), not here.
  app.use(errorHandler());
  return app;
}
