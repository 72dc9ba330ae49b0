import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  ClientClosedError,
  ExtractionBusyError,
  GatewayError,
  InvalidRequestError,
  MethodNotAllowedError,
  RouteNotFoundError,
} from '../errors/index.js';
import { recordError } from '../observability/index.js';
import { STATUS_BY_CODE } from './error-status.js';
import { errorBody } from './views.js';

/** Unknown paths → 404; known paths with the wrong method → 405 with Allow. */
export function notFound(routes: ReadonlyMap<string, readonly string[]>): RequestHandler {
  return (req, _res, next) => {
    const allowed = routes.get(req.path);
    next(allowed ? new MethodNotAllowedError(req.method, req.path, allowed) : new RouteNotFoundError(req.method, req.path));
  };
}

/**
 * Maps every error to its status and JSON body. Unexpected errors become 500 with the message
 * hidden (logged instead).
 */
export function errorHandler(log: (message: string, err: unknown) => void): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof ClientClosedError || req.socket.destroyed) return;
    const known = toGatewayError(err);
    if (!known) log(`unexpected error on ${req.method} ${req.originalUrl}`, err);
    const error = known ?? new GatewayError('INTERNAL', 'internal error; the gateway logged the cause');
    recordError(req, error, known ? undefined : err); // the request's log line and metrics
    const status = STATUS_BY_CODE[error.code];
    if (error instanceof MethodNotAllowedError) res.setHeader('Allow', error.allowed.join(', '));
    if (error instanceof ExtractionBusyError) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    if (error.code === 'UNAUTHENTICATED') {
      res.setHeader('WWW-Authenticate', 'Bearer realm="corpusgate", error="invalid_token"');
    }
    // An unread request body must not be drained just to keep the connection alive: close it.
    if (!req.complete) res.setHeader('Connection', 'close');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json(errorBody(status, error));
  };
}

function toGatewayError(err: unknown): GatewayError | null {
  if (err instanceof GatewayError) return err;
  // Errors raised by express/body parsers carry a 4xx status and are the client's.
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new InvalidRequestError('INVALID_PARAMETER', (err as Error).message);
  }
  return null;
}
