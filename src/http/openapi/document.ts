import type { Operation, Route } from '../route.js';
import { codesWithStatus, SCHEMAS } from './schemas.js';

/**
 * The OpenAPI 3.1 description of every route, made from the route table (src/http/routes.ts)
 * and served at /openapi.json. test/openapi-check.ts validates every response the test suite
 * receives against it, so it cannot drift from the code.
 */
type Json = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request', 401: 'Missing or invalid credential', 403: 'Not allowed for this credential', 404: 'Not found',
  406: 'Not acceptable', 408: 'The request arrived too slowly', 409: 'Conflict', 413: 'Payload too large',
  415: 'Unsupported media type', 422: 'The file could not be extracted', 429: 'Too many upload requests; retry after Retry-After seconds', 431: 'Request headers too large',
  500: 'Internal error', 503: 'Busy; retry after Retry-After seconds', 507: 'Quota exceeded',
};

function responses(op: Operation, errorShape: Route['errorShape']): Json {
  const out: Json = {};
  for (const [status, body] of Object.entries(op.ok)) {
    if (body === null) out[status] = { description: 'No content' };
    else if (typeof body === 'string') out[status] = { description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${body}` } } } };
    else out[status] = { description: 'OK', content: Object.fromEntries(Object.entries(body).map(([type, schema]) => [type, { schema }])) };
  }
  // Any route may refuse headers over 32 KiB (431); any route with a body answers a client that
  // sends it too slowly with 408 (src/http/http-server.ts). Every credentialed operation reads or
  // writes the database: 503 UNAVAILABLE when another process holds its lock past
  // SQLITE_LOCK_WAIT_MS.
  const always = [...(op.body ? [408] : []), 431, ...(op.auth === false ? [] : [503]), 500];
  for (const status of new Set([...op.errors, ...always])) {
    const codes = codesWithStatus(status);
    if (errorShape === 'detail') {
      out[String(status)] = { description: STATUS_TEXT[status] ?? 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Detail' } } } };
      continue;
    }
    out[String(status)] = {
      description: `${STATUS_TEXT[status] ?? 'Error'}: ${codes.join(', ')}`,
      content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/Error' }, { properties: { httpCode: { const: status }, internalCode: { enum: codes } } }] } } },
    };
  }
  return out;
}

/** `/v2/corpora/:corpus` → `/v2/corpora/{corpus}` */
export const openApiPath = (expressPath: string): string => expressPath.replace(/:([A-Za-z]+)/g, '{$1}');

export function openApiDocument(routes: readonly Route[]): Json {
  const paths: Record<string, Json> = {};
  for (const { method, path, operation: op, errorShape } of routes) {
    (paths[openApiPath(path)] ??= {})[method.toLowerCase()] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.auth === false ? { security: [] } : {}),
      ...(op.parameters ? { parameters: op.parameters } : {}),
      ...(op.body ? { requestBody: op.body } : {}),
      responses: responses(op, errorShape),
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'corpusgate', version: '0.1.0', description: 'Self-hostable corpus indexing gateway speaking the Vectara upload contract.' },
    // Relative to where this document is served: the gateway's own origin.
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { apiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      },
      schemas: SCHEMAS,
    },
  };
}
