import type { IncomingMessage } from 'node:http';
import type { Logger } from './logger.js';
import type { GatewayMetrics } from './metrics.js';
import { bindRequestContext, requestContext, type RequestContext } from './request-context.js';

/** What the HTTP layer knows once a request is over. */
export interface FinishedRequest {
  readonly method: string;
  /** The matched route template, or 'unmatched'. */
  readonly route: string;
  /** Without the query string, which is the client's and may carry anything. */
  readonly path: string;
  readonly status: number;
  /** false when the connection closed before the whole answer was written. */
  readonly answered: boolean;
  readonly durationSeconds: number;
  readonly bytesReceived: number;
}

export interface RequestObserver {
  start(req: IncomingMessage, requestId: string): RequestContext;
  /** One log line and the metrics of one request. */
  finish(req: IncomingMessage, finished: FinishedRequest): void;
}

/** nginx's code for "the client closed the connection before the answer". */
export const CLIENT_CLOSED_STATUS = 499;

export function createRequestObserver(options: {
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  /** Route templates whose requests count as uploads (corpusgate_uploads_total). */
  readonly uploadRoutes: readonly string[];
}): RequestObserver {
  const uploadRoutes = new Set(options.uploadRoutes);
  return {
    start(req, requestId) {
      const context: RequestContext = { requestId, logger: options.logger.child({ requestId }), facts: {} };
      bindRequestContext(req, context);
      options.metrics.requestStarted();
      return context;
    },
    finish(req, finished) {
      const context = requestContext(req);
      if (!context) return;
      const status = finished.answered ? finished.status : CLIENT_CLOSED_STATUS;
      const outcome = finished.answered
        ? (context.facts.outcome ?? (status < 400 ? 'OK' : `HTTP_${status}`))
        : (context.error?.code ?? 'CLIENT_CLOSED');
      const quota = context.error?.code === 'QUOTA_EXCEEDED' ? context.error.extra : undefined;
      options.metrics.requestFinished({
        method: finished.method,
        route: finished.route,
        status,
        outcome,
        durationSeconds: finished.durationSeconds,
        bytesReceived: finished.bytesReceived,
        isUpload: uploadRoutes.has(finished.route),
        ...(quota ? { quota: { scope: String(quota['scope']), unit: String(quota['unit']) } } : {}),
      });
      const level = context.probe ? 'debug' : status >= 500 ? 'error' : 'info';
      context.logger[level](
        {
          method: finished.method,
          route: finished.route,
          path: finished.path,
          status,
          ...context.facts,
          outcome,
          bytesReceived: finished.bytesReceived,
          durationMs: Math.round(finished.durationSeconds * 1e4) / 10,
          ...(context.cause !== undefined ? { err: context.cause } : {}),
        },
        'request',
      );
    },
  };
}
