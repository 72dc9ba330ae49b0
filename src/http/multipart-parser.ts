import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { ClientClosedError, InvalidRequestError } from '../errors/index.js';

/**
 * What both form readers (the upload's, multipart.ts; the batch's, batch-multipart.ts) share:
 * opening busboy on a request, the error for a broken body, and giving up on a body mid-way.
 */

/** busboy on the request; a Content-Type that is not multipart/form-data is the client's (400). */
export function openMultipart(req: IncomingMessage, limits: busboy.Limits): busboy.Busboy {
  try {
    return busboy({ headers: req.headers, preservePath: true, defParamCharset: 'utf8', limits });
  } catch (err) {
    throw new InvalidRequestError('NOT_MULTIPART', `the body must be multipart/form-data (${(err as Error).message})`);
  }
}

export const malformedMultipart = (err: Error): InvalidRequestError =>
  new InvalidRequestError('MALFORMED_MULTIPART', `malformed multipart body: ${err.message}`);

/**
 * Stops reading the body: the rest is not wanted (the response closes the connection). busboy is
 * destroyed on the next turn: it still touches the file stream right after emitting 'limit'.
 */
export function stopReadingForm(req: IncomingMessage, parser: busboy.Busboy): void {
  req.unpipe(parser);
  req.pause();
  parser.removeAllListeners();
  parser.on('error', () => {});
  setImmediate(() => parser.destroy());
}

/**
 * Feeds the body to the parser, with the ends both form readers share: a broken body fails
 * with malformedMultipart, a client gone before the end with ClientClosedError, and the parser's
 * close calls `onClose` (which decides whether the form was complete).
 */
export function pipeForm(req: IncomingMessage, parser: busboy.Busboy, fail: (err: Error) => void, onClose: () => void): void {
  parser.on('error', (err: Error) => fail(malformedMultipart(err)));
  parser.on('close', onClose);
  req.on('close', () => {
    if (!req.complete) fail(new ClientClosedError());
  });
  req.pipe(parser);
}
