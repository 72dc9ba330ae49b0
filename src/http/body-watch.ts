import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestTimeoutError } from '../errors/index.js';
import { recordError } from '../observability/index.js';
import { STATUS_BY_CODE } from './error-status.js';
import { errorBody } from './views.js';

export interface BodyLimits {
  /** While the body is being read, this long without a byte → 408. */
  readonly bodyIdleTimeoutMs: number;
  /** The body must have arrived this long after the headers, however steadily it trickles → 408. */
  readonly uploadDeadlineMs: number;
}

/**
 * Bounds how long a client may take to send a request body, whoever reads it (busboy for uploads,
 * express's JSON parser, the error handler's drain):
 *
 * - idle: no byte for `bodyIdleTimeoutMs` while the body is being read. "Being read" is the
 *   request in flowing mode; while a reader has paused it (the spool file is slow, the app has
 *   not started reading yet, e.g. behind `Expect: 100-continue`) the silence is the gateway's,
 *   not the client's, and does not count. A Content-Length larger than the body sent is this case:
 *   the client stops sending.
 * - deadline: the body has not ended `uploadDeadlineMs` after the headers, paused or not.
 *
 * Progress is the socket's byte count, sampled a few times per timeout: watching the request's
 * 'data' events would itself start the body flowing. The answer is 408 REQUEST_TIMEOUT, through
 * the response (so the request log says REQUEST_TIMEOUT), with `Connection: close`: Node closes the
 * connection once it is written. The body stops reaching its reader first, so whatever arrives
 * in between cannot complete it and nothing is stored; the reader then fails as for a client
 * that went away (ClientClosedError, nothing answered twice).
 */
export function watchRequestBody(req: IncomingMessage, res: ServerResponse, limits: BodyLimits): void {
  if (req.complete || !hasBody(req)) return;
  const socket = req.socket;
  const arrived = Date.now();
  let bytesSeen = socket.bytesRead;
  let quietSince = arrived;

  const check = (): void => {
    if (req.complete || res.writableEnded || socket.destroyed) return stop();
    const now = Date.now();
    if (now - arrived >= limits.uploadDeadlineMs) {
      return timeOut(`the request body did not arrive within ${limits.uploadDeadlineMs} ms of its headers (UPLOAD_DEADLINE_MS)`);
    }
    if (socket.bytesRead !== bytesSeen || req.readableFlowing !== true) {
      bytesSeen = socket.bytesRead;
      quietSince = now;
    } else if (now - quietSince >= limits.bodyIdleTimeoutMs) {
      timeOut(`no byte of the request body arrived for ${limits.bodyIdleTimeoutMs} ms (BODY_IDLE_TIMEOUT_MS)`);
    }
  };
  // Sampling 4 times per timeout: the 408 comes between 1 and 1.25 idle timeouts after the last
  // byte. At most once a second: with the 20 s default that is one cheap check per second per
  // request still sending its body.
  const every = Math.max(10, Math.min(1_000, Math.floor(Math.min(limits.bodyIdleTimeoutMs, limits.uploadDeadlineMs) / 4)));
  const timer = setInterval(check, every).unref();
  const stop = (): void => clearInterval(timer);
  res.once('close', stop);

  const timeOut = (message: string): void => {
    stop();
    const error = new RequestTimeoutError(message);
    recordError(req, error); // the request's log line and metrics
    // What the client sends from now on reaches no reader.
    req.unpipe();
    req.pause();
    if (res.headersSent) {
      socket.destroy();
      return;
    }
    const status = STATUS_BY_CODE[error.code];
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Connection', 'close');
    res.end(JSON.stringify(errorBody(status, error)));
  };
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}
