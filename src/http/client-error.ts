import http from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GatewayError,
  HeadersTooLargeError,
  MalformedRequestError,
  PayloadTooLargeError,
  RequestTimeoutError,
} from '../errors/index.js';
import { STATUS_BY_CODE } from './error-status.js';
import { errorBody } from './views.js';

export interface ClientErrorLimits {
  readonly headersTimeoutMs: number;
  /** Node's requestTimeout (a backstop, see http-server.ts). */
  readonly requestTimeoutMs: number;
  readonly maxHeaderBytes: number;
}

/** A socket that has had its answer: Node reports more errors on it (e.g. HPE_INVALID_EOF_STATE when the client closes). */
const answered = new WeakSet<Duplex>();
/** How long the error answer may take to be written before the connection is cut anyway. */
const WRITE_GRACE_MS = 2_000;

/**
 * Node's 'clientError': the connection failed before the app had a request to answer, or Node
 * itself stopped it (https://nodejs.org/api/http.html#event-clienterror). Node's own answers are
 * bare ("HTTP/1.1 431 Request Header Fields Too Large" with no body); this writes the gateway's
 * JSON error instead, as a complete response on the raw socket, then closes the connection:
 *
 * - ERR_HTTP_REQUEST_TIMEOUT: headers not received within headersTimeout (408), or the
 *   requestTimeout backstop;
 * - HPE_HEADER_OVERFLOW: headers over maxHeaderSize (431);
 * - HPE_CHUNK_EXTENSIONS_OVERFLOW: 413, as Node answers it;
 * - any other HPE_* parse error: 400 MALFORMED_REQUEST.
 *
 * Nothing is written when the socket can no longer take it, when a response on this connection
 * has already started (a second status line would corrupt it), or for errors of the connection
 * itself (ECONNRESET): the connection is just closed.
 */
export function answerClientError(err: Error & { code?: string; reason?: string }, socket: Duplex, limits: ClientErrorLimits): void {
  const inFlight = (socket as { _httpMessage?: http.ServerResponse | null })._httpMessage ?? null;
  const error = toGatewayError(err, inFlight !== null, limits);
  if (!error || !socket.writable || answered.has(socket) || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  answered.add(socket);
  const status = STATUS_BY_CODE[error.code];
  const body = JSON.stringify(errorBody(status, error));
  const head = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  const cut = setTimeout(() => socket.destroy(), WRITE_GRACE_MS).unref();
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => {
    clearTimeout(cut);
    socket.destroy();
  });
}

function toGatewayError(err: Error & { code?: string; reason?: string }, requestStarted: boolean, limits: ClientErrorLimits): GatewayError | null {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new RequestTimeoutError(
        requestStarted
          ? `the request did not arrive within ${limits.requestTimeoutMs} ms`
          : `the request headers did not arrive within ${limits.headersTimeoutMs} ms (HEADERS_TIMEOUT_MS)`,
      );
    case 'HPE_HEADER_OVERFLOW':
      return new HeadersTooLargeError(limits.maxHeaderBytes);
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new PayloadTooLargeError('the chunk extensions of the request body are too large');
    default:
      return err.code?.startsWith('HPE_') ? new MalformedRequestError(err.reason ?? err.message) : null;
  }
}
