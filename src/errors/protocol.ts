import { GatewayError } from './gateway-error.js';

/** Errors of the connection and the route, before any use case runs. */

export type RequestTimeoutErrorCode = 'REQUEST_TIMEOUT';

/** The client sent its request too slowly (no progress, or past the whole-request deadline). */
export class RequestTimeoutError extends GatewayError {
  declare readonly code: RequestTimeoutErrorCode;

  constructor(message: string) {
    super('REQUEST_TIMEOUT', message);
  }
}

export type HeadersTooLargeErrorCode = 'HEADERS_TOO_LARGE';

/** The request's headers are larger than the server parses (HTTP's own limit, before any route). */
export class HeadersTooLargeError extends GatewayError {
  declare readonly code: HeadersTooLargeErrorCode;

  constructor(limitBytes: number) {
    super('HEADERS_TOO_LARGE', `the request headers are larger than the limit of ${limitBytes} bytes (e.g. a huge token or cookie)`);
  }
}

export type MalformedRequestErrorCode = 'MALFORMED_REQUEST';

/** The bytes on the connection are not a valid HTTP/1.1 request (request line, headers, chunking). */
export class MalformedRequestError extends GatewayError {
  declare readonly code: MalformedRequestErrorCode;

  constructor(reason: string) {
    super('MALFORMED_REQUEST', `the HTTP request cannot be parsed: ${reason}`);
  }
}

export type RouteNotFoundErrorCode = 'NOT_FOUND';

export class RouteNotFoundError extends GatewayError {
  declare readonly code: RouteNotFoundErrorCode;

  constructor(method: string, path: string) {
    super('NOT_FOUND', `no route for ${method} ${path}`);
  }
}

export type MethodNotAllowedErrorCode = 'METHOD_NOT_ALLOWED';

export class MethodNotAllowedError extends GatewayError {
  declare readonly code: MethodNotAllowedErrorCode;

  constructor(
    method: string,
    path: string,
    readonly allowed: readonly string[],
  ) {
    super('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}; use ${allowed.join(', ')}`);
  }
}

/** The client went away before the request was read; nothing is answered or stored. */
export class ClientClosedError extends Error {
  constructor() {
    super('client closed the connection before the request was complete');
    this.name = 'ClientClosedError';
  }
}
