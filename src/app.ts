import express from 'express';
import type { Authenticator } from './auth/index.js';
import type { Extractor } from './extract/index.js';
import type { DocumentStore } from './store/index.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { UPLOAD_PATHS, uploadRouter } from './http/upload/upload-route.js';

export interface AppDeps {
  readonly store: DocumentStore;
  readonly extractor: Extractor;
  readonly authenticator: Authenticator;
  readonly maxUploadBytes: number;
  readonly log?: (message: string, err?: unknown) => void;
}

/** The Express app, without listening: main.ts serves it, tests call it directly. */
export function buildApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(uploadRouter(deps));
  app.use(notFound(new Map(UPLOAD_PATHS.map((p) => [p, ['POST']]))));
  app.use(errorHandler(deps.log ?? ((message, err) => console.error(message, err))));
  return app;
}
