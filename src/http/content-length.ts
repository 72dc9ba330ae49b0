import type { IncomingMessage } from 'node:http';

/** The request's Content-Length, when it sent a valid one (no body part can be larger). */
export function declaredLength(req: IncomingMessage): number | undefined {
  const declared = Number(req.headers['content-length']);
  return Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined;
}
