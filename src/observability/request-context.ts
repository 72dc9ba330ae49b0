import type { IncomingMessage } from 'node:http';
import { ConflictError, type GatewayError } from '../errors/index.js';
import type { Logger } from './logger.js';

/** What a route may add to its request's log line. Never tokens, keys or document text. */
export interface RequestFacts {
  customerId?: string;
  corpusId?: string;
  documentId?: string;
  /** The outcome of a successful answer ('OK', 'ALREADY_EXISTS'); an error sets its own code. */
  outcome?: string;
  /** Size of the uploaded file part, in bytes. */
  fileBytes?: number;
}

export interface RequestContext {
  readonly requestId: string;
  /** Carries the request id: lines a route logs itself belong to their request. */
  readonly logger: Logger;
  readonly facts: RequestFacts;
  error?: GatewayError;
  /** The cause of a 500: logged with the request line, never sent to the client. */
  cause?: unknown;
  /** Scrapes and health checks, logged at debug so that they do not drown the request lines. */
  probe?: boolean;
}

/**
 * Everything a request carries lives in one place: Express's per-response `res.locals` (which
 * the route guards also fill, src/http/locals.ts), reached from the request as `req.res`. One
 * object per request, gone with it; several apps in one process never share one. Outside an
 * Express app (no req.res) nothing is bound and the functions below do nothing.
 */
interface WithLocals {
  readonly res?: { readonly locals: { context?: RequestContext } };
}

export function bindRequestContext(req: IncomingMessage, context: RequestContext): void {
  const locals = (req as WithLocals).res?.locals;
  if (locals) locals.context = context;
}

export function requestContext(req: IncomingMessage): RequestContext | undefined {
  return (req as WithLocals).res?.locals.context;
}

/** Adds facts to the request's log line (undefined values are ignored); a no-op outside the app. */
export function annotateRequest(req: IncomingMessage, facts: RequestFacts): void {
  const context = requestContext(req);
  if (!context) return;
  for (const [key, value] of Object.entries(facts)) {
    if (value !== undefined) (context.facts as Record<string, unknown>)[key] = value;
  }
}

/** The request's logger (with its request id), for routes that log a line of their own. */
export function requestLogger(req: IncomingMessage): Logger | undefined {
  return requestContext(req)?.logger;
}

/** Called by the error handler: the error's code becomes the request's outcome. */
export function recordError(req: IncomingMessage, error: GatewayError, unexpected?: unknown): void {
  const context = requestContext(req);
  if (!context) return;
  context.error = error;
  context.facts.outcome = error.code;
  if (error instanceof ConflictError) context.facts.documentId ??= error.documentId;
  if (unexpected !== undefined) context.cause = unexpected;
}

export function markProbe(req: IncomingMessage): void {
  const context = requestContext(req);
  if (context) context.probe = true;
}
