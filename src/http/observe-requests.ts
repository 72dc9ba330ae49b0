import type { Socket } from 'node:net';
import type { Request, RequestHandler } from 'express';
import { requestIdFrom, type RequestObserver } from '../observability/index.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * The first middleware: gives the request its id (echoed in X-Request-Id) and its log context,
 * and reports it to the observer once the connection is done with it, answered or not.
 */
export function observeRequests(observer: RequestObserver): RequestHandler {
  // Bytes a connection had read when its previous request ended: keep-alive connections carry
  // several requests, and Content-Length is the client's word, not a count.
  const countedBytes = new WeakMap<Socket, number>();
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const { requestId } = observer.start(req, requestIdFrom(req.headers['x-request-id']));
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.once('close', () => {
      const socket = req.socket;
      const bytesRead = socket.bytesRead;
      const bytesReceived = bytesRead - (countedBytes.get(socket) ?? 0);
      countedBytes.set(socket, bytesRead);
      observer.finish(req, {
        method: req.method,
        route: routeTemplate(req),
        path: req.path,
        status: res.statusCode,
        answered: res.writableFinished,
        durationSeconds: Number(process.hrtime.bigint() - started) / 1e9,
        bytesReceived,
      });
    });
    next();
  };
}

/**
 * The template of the route that matched (`/v1/upload`, `/v2/corpora/:corpus/documents/:id`),
 * never the raw path, which would give metrics a label value per document. Routers are mounted at
 * the root with full paths, so the template alone names the route.
 */
function routeTemplate(req: Request): string {
  const path: unknown = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return path;
  // One route for several paths (/v1/upload and /upload): the one that was called.
  if (Array.isArray(path)) return path.find((p) => p === req.path) ?? path.join('|');
  return 'unmatched';
}
