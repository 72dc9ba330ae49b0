import type { RequestHandler } from 'express';
import type { Authenticator } from '../auth/index.js';
import type { GatewayMetrics, Readiness } from '../observability/index.js';
import type { UploadLimiter } from '../ratelimit/index.js';
import type { BatchDeps, IngestDeps } from '../usecases/index.js';
import type { ErrorShape } from './error-shape.js';

type Json = Record<string, unknown>;

/** A route's OpenAPI description: served at /openapi.json, checked against every test response. */
export interface Operation {
  /** Unique across the API: code generators name their methods after it. */
  readonly operationId: string;
  readonly summary: string;
  /** false: served without a credential. */
  readonly auth?: false;
  readonly parameters?: readonly Json[];
  readonly body?: Json;
  /** Status → body: a schema name, a map of media type → schema, or null for no body. */
  readonly ok: Readonly<Record<number, string | Readonly<Record<string, Json>> | null>>;
  readonly errors: readonly number[];
}

/** What route handlers are built from: the use cases' dependencies and the HTTP parts. */
export interface RouteDeps extends IngestDeps, BatchDeps {
  readonly authenticator: Authenticator;
  readonly maxUploadBytes: number;
  /** Batch upload (/api/v1/upload): MAX_BATCH_FILES, MAX_BATCH_BYTES. */
  readonly maxBatchFiles: number;
  readonly maxBatchBytes: number;
  /** Where large uploads wait on disk for a worker (see FilePart). */
  readonly spoolDir: string;
  readonly metrics: GatewayMetrics;
  readonly readiness: Readiness;
  /** RATE_LIMIT_PER_MINUTE on the upload routes of both dialects. */
  readonly uploadLimiter: UploadLimiter;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * One entry of the route table (src/http/routes.ts): the Express registration, the 404/405
 * answers and the OpenAPI document are all made from these. Adding a route is adding an entry.
 */
export interface Route {
  readonly method: Method;
  /** Express syntax (`/v2/corpora/:corpus`); a trailing slash names the same route. */
  readonly path: string;
  readonly operation: Operation;
  /** The shape of its error bodies (src/http/error-shape.ts); 'gateway' when absent. */
  readonly errorShape?: ErrorShape;
  /** The guards, then the handler, in the order they run. */
  readonly handlers: (deps: RouteDeps) => RequestHandler[];
}
