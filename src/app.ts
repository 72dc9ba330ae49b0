import express from 'express';
import type { Authenticator } from './auth/index.js';
import type { QuotaDefaults } from './config/index.js';
import type { Extractor } from './extract/index.js';
import type { DocumentStore } from './store/index.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { methodsFor } from './http/routes.js';
import { uploadRouter } from './http/upload/upload-route.js';
import { v1JsonRouter } from './http/v1/v1-json-routes.js';
import { adminRouter } from './http/v2/admin-routes.js';
import { documentsRouter } from './http/v2/documents-routes.js';
import { consoleRouter } from './http/console-route.js';

export interface AppDeps {
  readonly store: DocumentStore;
  readonly extractor: Extractor;
  readonly authenticator: Authenticator;
  readonly maxUploadBytes: number;
  readonly quotaDefaults: QuotaDefaults;
  readonly log?: (message: string, err?: unknown) => void;
}

/** The Express app, without listening: main.ts serves it, tests call it directly. */
export function buildApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(uploadRouter(deps));
  app.use(v1JsonRouter(deps));
  app.use(documentsRouter(deps));
  app.use(adminRouter(deps));
  // The operator web console: static files under /console, calling the routes above.
  app.use(consoleRouter());
  app.use(notFound(methodsFor));
  app.use(errorHandler(deps.log ?? ((message, err) => console.error(message, err))));
  return app;
}
