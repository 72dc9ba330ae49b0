import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  ClientClosedError,
  isRetryable,
  GatewayError,
  InvalidRequestError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  RouteNotFoundError,
} from '../errors/index.js';
import { recordError } from '../observability/index.js';
import { declaredLength } from './content-length.js';
import { STATUS_BY_CODE } from './error-status.js';
import { errorBodyFor } from './error-shape.js';

/**
 * Unknown paths → 404; known paths with the wrong method → 405 with Allow. A known path whose
 * method is allowed but that nothing answered (a file the console does not have) is a 404 too.
 */
export function notFound(methodsFor: (path: string) => readonly string[] | null): RequestHandler {
  return (req, _res, next) => {
    const allowed = methodsFor(req.path);
    next(allowed && !allowed.includes(req.method) ? new MethodNotAllowedError(req.method, req.path, allowed) : new RouteNotFoundError(req.method, req.path));
  };
}

/**
 * Maps every error to its status and JSON body. Unexpected errors become 500 with the message
 * hidden (logged instead).
 */
export function errorHandler(): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    if (err instanceof ClientClosedError || req.socket.destroyed) return;
    const known = toGatewayError(err);
    const error = known ?? new GatewayError('INTERNAL', 'internal error; the gateway logged the cause');
    recordError(req, error, known ? undefined : err); // the request's log line and metrics
    const status = STATUS_BY_CODE[error.code];
    if (error instanceof MethodNotAllowedError) res.setHeader('Allow', error.allowed.join(', '));
    if (isRetryable(error)) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    if (error.code === 'UNAUTHENTICATED') {
      res.setHeader('WWW-Authenticate', 'Bearer realm="corpusgate", error="invalid_token"');
    }
    const send = (): void => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.status(status).json(errorBodyFor(res, status, error));
    };
    if (req.complete) return send();
    // A small unread body (e.g. behind a refused credential) is read to its end first: clients
    // such as fetch (undici) report EPIPE instead of the answer when the socket closes while they
    // still write. A large one is not worth reading: answer and close the connection.
    const declared = declaredLength(req) ?? 0; // chunked: drain() stops at DRAIN_MAX_BYTES
    const tooLarge = error.code === 'PAYLOAD_TOO_LARGE' || error.code === 'METADATA_TOO_LARGE';
    if (tooLarge || declared > DRAIN_MAX_BYTES) {
      res.setHeader('Connection', 'close');
      lingerOnClose(req.socket);
      return send();
    }
    void drain(req, DRAIN_MAX_BYTES, DRAIN_MAX_MS).then((drained) => {
      if (!drained) res.setHeader('Connection', 'close');
      send();
    });
  };
}

/** How long a connection closed under a client still sending stays half-open (see lingerOnClose). */
const LINGER_MS = 2_000;

/**
 * Closing a socket while the client is still sending makes the kernel answer its next bytes with
 * RST, and a client busy writing (Node's http, curl) then reports EPIPE or ECONNRESET instead of
 * the 413 it was sent: seen in CI under load. So after the answer the connection is half-closed
 * (FIN), reading stays paused (nothing more of the body is read: the client's writes block on a
 * full window instead of failing), and the socket is destroyed once the client closes it, or
 * after LINGER_MS.
 */
function lingerOnClose(socket: Socket): void {
  socket.destroySoon = function lingeringDestroySoon(this: Socket) {
    this.end();
    // Node's server has just resumed the unread request to discard its body: not this one. The
    // parser lets go of the socket, and nothing reads from it any more.
    const stopReading = () => {
      this.removeAllListeners('data');
      this.pause();
      this.read = () => null;
    };
    stopReading();
    setImmediate(stopReading);
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
  };
}

/** Bodies up to this size are read to their end before an early error answer. */
const DRAIN_MAX_BYTES = 1024 * 1024;
const DRAIN_MAX_MS = 5_000;

/** Reads and drops the rest of the body; false when it is longer or slower than allowed. */
function drain(req: IncomingMessage, maxBytes: number, maxMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let seen = 0;
    const done = (ok: boolean) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
      if (!ok) req.pause();
      resolve(ok);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) done(false);
    };
    const onEnd = () => done(true);
    const onError = () => done(false);
    const timer = setTimeout(() => done(false), maxMs);
    req.on('data', onData).on('end', onEnd).on('error', onError);
    req.resume();
  });
}

function toGatewayError(err: unknown): GatewayError | null {
  if (err instanceof GatewayError) return err;
  // Errors raised by express's body parsers carry a 4xx status and a type; they are the client's.
  const { status, type } = (err ?? {}) as { status?: unknown; type?: unknown };
  if (type === 'entity.too.large') return new PayloadTooLargeError(`the JSON body is larger than the limit of this route`);
  if (type === 'entity.parse.failed') return new InvalidRequestError('INVALID_JSON', `the body is not valid JSON: ${(err as Error).message}`);
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new InvalidRequestError('INVALID_PARAMETER', (err as Error).message);
  }
  return null;
}
