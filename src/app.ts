import express from 'express';
import type { Authenticator } from './auth/index.js';
import type { QuotaDefaults } from './config/index.js';
import type { Extractor } from './extract/index.js';
import type { Store } from './store/index.js';
import { quotaPolicy } from './quota/index.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { methodsFor } from './http/routes.js';
import { openApiRouter } from './http/openapi/openapi-route.js';
import { UPLOAD_PATHS, uploadRouter } from './http/upload/upload-route.js';
import { observeRequests } from './http/observe-requests.js';
import { opsRouter } from './http/ops-routes.js';
import * as obs from './observability/index.js';
import { v1JsonRouter } from './http/v1/v1-json-routes.js';
import { adminRouter } from './http/v2/admin-routes.js';
import { documentsRouter } from './http/v2/documents-routes.js';
import { consoleRouter } from './http/console-route.js';

export interface AppDeps {
  readonly store: Store;
  readonly extractor: Extractor;
  readonly authenticator: Authenticator;
  readonly maxUploadBytes: number;
  /** Large uploads wait here for a worker; prepareSpoolDir() makes it (empty) at start. */
  readonly spoolDir: string;
  readonly quotaDefaults: QuotaDefaults;
  readonly log?: (message: string, err?: unknown) => void;
  // Observability; the defaults are quiet (tests): no log lines, a registry of this app's own.
  readonly logger?: obs.Logger;
  /** One per app: buildApp registers the extraction metrics in it. */
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
  app.use(observeRequests(obs.createRequestObserver({ logger, metrics, uploadRoutes: [...UPLOAD_PATHS, '/v1/index'] })));
  app.use(opsRouter({ metrics, readiness }));

  // The use cases' dependencies: the quota policy is built once, from the configured defaults.
  const useCases = { ...deps, extractor, quota: quotaPolicy(deps.quotaDefaults) };
  app.use(uploadRouter(useCases));
  app.use(v1JsonRouter(useCases));
  app.use(documentsRouter(useCases));
  app.use(adminRouter(useCases));
  app.use(openApiRouter());
  // The operator web console: static files under /console, calling the routes above.
  app.use(consoleRouter());
  app.use(notFound(methodsFor));
  // Unexpected errors are logged with their request line (observability), not here.
  app.use(errorHandler(deps.log ?? (() => {})));
  return app;
}
