import type { Express } from 'express';
import { CONSOLE_ROUTES } from './console-route.js';
import { useErrorShape } from './error-shape.js';
import { openApiDocument } from './openapi/document.js';
import { openApiRoute } from './openapi/openapi-route.js';
import { OPS_ROUTES } from './ops-routes.js';
import type { Route, RouteDeps } from './route.js';
import { BATCH_ROUTES } from './batch/batch-routes.js';
import { UPLOAD_ROUTES } from './upload/upload-route.js';
import { V1_JSON_ROUTES } from './v1/v1-json-routes.js';
import { ADMIN_ROUTES } from './v2/admin-routes.js';
import { API_KEY_ROUTES } from './v2/api-keys-routes.js';
import { DOCUMENT_ROUTES } from './v2/documents-routes.js';
import { JOB_ROUTES } from './v2/jobs-routes.js';
import { WHOAMI_ROUTES } from './v2/whoami-route.js';

/**
 * The route table: every route of the gateway, once. Express registration, the 404/405 answers
 * and the OpenAPI document (/openapi.json) are all made from it.
 */
export const ROUTES: readonly Route[] = [
  ...UPLOAD_ROUTES,
  ...BATCH_ROUTES,
  ...V1_JSON_ROUTES,
  ...ADMIN_ROUTES,
  ...API_KEY_ROUTES,
  ...DOCUMENT_ROUTES,
  ...JOB_ROUTES,
  ...WHOAMI_ROUTES,
  openApiRoute(() => ROUTES),
  ...OPS_ROUTES,
  ...CONSOLE_ROUTES,
];

/** The table's OpenAPI document (also what tests check every response against). */
export const apiDocument = () => openApiDocument(ROUTES);

export function registerRoutes(app: Express, deps: RouteDeps, routes: readonly Route[] = ROUTES): void {
  for (const route of routes) {
    const handlers = route.errorShape ? [useErrorShape(route.errorShape), ...route.handlers(deps)] : route.handlers(deps);
    switch (route.method) {
      case 'GET':
        app.get(route.path, ...handlers);
        break;
      case 'POST':
        app.post(route.path, ...handlers);
        break;
      case 'PUT':
        app.put(route.path, ...handlers);
        break;
      case 'DELETE':
        app.delete(route.path, ...handlers);
        break;
    }
  }
}

/** Each path pattern (a trailing slash names the same route) with its methods, compiled once. */
const PATTERNS = (() => {
  const methods = new Map<string, string[]>();
  for (const { path, method } of ROUTES) methods.set(path, [...(methods.get(path) ?? []), method]);
  return [...methods].map(([path, allowed]) => ({ pattern: new RegExp(`^${path.replace(/:[A-Za-z]+/g, '[^/]+')}/?$`), allowed }));
})();

/** The allowed methods of the route template matching this path (GET implies HEAD), or null. */
export function methodsFor(path: string): readonly string[] | null {
  const match = PATTERNS.find(({ pattern }) => pattern.test(path));
  if (!match) return null;
  return match.allowed.includes('GET') ? [...match.allowed, 'HEAD'] : match.allowed;
}
