import http from 'node:http';
import type { HttpLimits } from '../config/index.js';
import { watchRequestBody } from './body-watch.js';
import { answerClientError } from './client-error.js';

/**
 * Largest request head (request line + headers) the server parses; beyond it 431 JSON. Node's
 * default is 16 KiB. Identity providers put groups and roles into tokens: Entra ID or Keycloak
 * tokens of 8-16 KB are common, and with cookies and tracing headers next to them 16 KiB leaves no
 * room. 32 KiB lets them through; the cost stays bounded (it is only what one request head may
 * hold while it is parsed). A proxy in front has limits of its own (nginx: 8 KB per header line).
 */
export const MAX_HEADER_BYTES = 32 * 1024;

/**
 * The gateway's HTTP server around the app.
 *
 * `Expect: 100-continue` (curl sends it with bodies over 1 MB): "100 Continue" goes out when the
 * app starts reading the body, not on arrival as Node does by default. A request refused before
 * that (413 from its Content-Length, 401, 403) gets its final answer instead, and the client
 * never sends the body. With Node's default, curl sent a 12 MB upload straight after the 100 and
 * sometimes reported "Send failure: Broken pipe" (exit 55) instead of the 413 the gateway wrote.
 * Every body reader here (busboy through pipe, express's JSON parser, the error handler's drain)
 * starts with resume(), which emits 'resume'.
 *
 * Slow clients (each answer is the JSON error, then the connection is closed):
 * - headers: Node's headersTimeout (HEADERS_TIMEOUT_MS), 408 through 'clientError'. Node checks
 *   its timeouts every connectionsCheckingInterval (30 s by default, which made a 30 s limit cut
 *   at ~60 s): here a quarter of the timeout, at most 1 s.
 * - body: watchRequestBody (BODY_IDLE_TIMEOUT_MS without a byte, UPLOAD_DEADLINE_MS in all).
 *   Not Node's requestTimeout: it counts from the first byte of the request to the last of its
 *   body (it never cuts a slow *response*: a connection leaves Node's list once its request is
 *   complete), but its 408 is written on the raw socket past the app, so the request's log line
 *   shows a client that went away, and it has no idle timeout at all. It stays as a backstop,
 *   set past the point where the gateway's own answers have come.
 * - headers over MAX_HEADER_BYTES: 431; malformed requests: 400 (see answerClientError).
 * - keepAliveTimeout stays Node's 5 s: an idle keep-alive connection is closed after it.
 */
export function createHttpServer(app: http.RequestListener, limits: HttpLimits): http.Server {
  const requestTimeoutMs = limits.headersTimeoutMs + limits.uploadDeadlineMs + limits.bodyIdleTimeoutMs;
  const server = http.createServer({
    maxHeaderSize: MAX_HEADER_BYTES,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
  });
  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    watchRequestBody(req, res, limits);
    app(req, res);
  };
  server.on('request', handle);
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.once('resume', () => {
      if (!res.headersSent && !res.writableEnded) res.writeContinue();
    });
    handle(req, res);
  });
  server.on('clientError', (err: Error, socket) =>
    answerClientError(err, socket, { headersTimeoutMs: limits.headersTimeoutMs, requestTimeoutMs, maxHeaderBytes: MAX_HEADER_BYTES }),
  );
  return server;
}
