import type { RequestHandler, Response } from 'express';
import type { GatewayError } from '../errors/index.js';
import { errorBody } from './views.js';

/**
 * How a route's errors look. 'gateway': `{"httpCode","internalCode","details",…}` (every Vectara
 * and operator route); 'detail': `{"detail": "<message>"}`, the Documind upload API's shape. A
 * route of the table names its shape (Route.errorShape); this file is the one place that maps it.
 */
export type ErrorShape = 'gateway' | 'detail';

/** First handler of a route with its own error shape: the error handler reads it back. */
export function useErrorShape(shape: ErrorShape): RequestHandler {
  return (_req, res, next) => {
    res.locals['errorShape'] = shape;
    next();
  };
}

/** The error body for this response, in the shape its route declared. */
export function errorBodyFor(res: Response, status: number, error: GatewayError): Record<string, unknown> {
  return res.locals['errorShape'] === 'detail' ? { detail: documindDetail(status, error) } : errorBody(status, error);
}

/** The Documind API's fixed messages where it has them; otherwise what went wrong. */
function documindDetail(status: number, error: GatewayError): string {
  if (status === 401) return 'Invalid or missing API key';
  if (status === 413) return 'Request Entity Too Large';
  if (status === 500) return 'Failed to upload documents. Please try again later.';
  if (error.code === 'MALFORMED_MULTIPART' || error.code === 'NOT_MULTIPART') return 'There was an error parsing the body';
  return error.message;
}
