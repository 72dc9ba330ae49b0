import { codesWithStatus, SCHEMAS } from './schemas.js';

/**
 * The OpenAPI 3.1 description of every route, served at /openapi.json. test/openapi-check.ts
 * validates every response the test suite receives against it, so it cannot drift from the code.
 */
type Json = Record<string, unknown>;

interface Operation {
  readonly summary: string;
  readonly auth?: false;
  readonly parameters?: Json[];
  readonly body?: Json;
  /** Status → body: a schema name, a map of media type → schema, or null for no body. */
  readonly ok: Readonly<Record<number, string | Readonly<Record<string, Json>> | null>>;
  readonly errors: readonly number[];
}

const CREDENTIAL_ERRORS = [400, 401, 403] as const;
const corpusParam = { name: 'corpus', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d+$' }, description: 'corpus id' };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'document id, percent-encoded (decoded exactly once)' };
const customerHeader = (required: boolean) => ({
  name: 'customer-id',
  in: 'header',
  required,
  schema: { type: 'string', pattern: '^\\d+$' },
  description: required ? 'the customer id (Vectara v1 JSON endpoints require it)' : "the customer id; defaults to the credential's",
});
const query = (name: string, description: string, schema: Json = { type: 'string' }) => ({ name, in: 'query', required: false, schema, description });
const jsonBody = (properties: Json, required: string[] = []) => ({
  required: true,
  content: { 'application/json': { schema: { type: 'object', properties, required } } },
});
const limit = { oneOf: [{ type: 'integer', minimum: 0 }, { const: 'unlimited' }, { type: 'null' }] };

const UPLOAD: Operation = {
  summary: 'Upload one file (pdf, docx, txt, or a Document as .pb/.pbtxt/.json) into a corpus (Vectara v1 upload contract)',
  parameters: [
    query('c', 'customer id (or form field c)', { type: 'string', pattern: '^\\d+$' }),
    query('o', 'corpus id (or form field o)', { type: 'string', pattern: '^\\d+$' }),
    query('d', 'true/false/1/0: return the stored document (or form field d)', { type: 'string' }),
    customerHeader(false),
  ],
  body: {
    required: true,
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          properties: {
            file: { type: 'string', format: 'binary', description: 'exactly one; its filename is the id of raw files' },
            doc_metadata: { type: 'string', description: 'a JSON object, at most 64 KiB (also doc-metadata, or a file part)' },
            c: { type: 'string', description: 'customer id, when the query has no c; at most once' },
            o: { type: 'string', description: 'corpus id, when the query has no o; at most once' },
            d: { type: 'string', description: 'true/false/1/0, when the query has no d; at most once' },
          },
          required: ['file'],
        },
      },
    },
  },
  ok: { 200: 'UploadResponse' },
  errors: [...CREDENTIAL_ERRORS, 409, 413, 415, 422, 503, 507],
};

const PATHS: Record<string, Record<string, Operation>> = {
  '/v1/upload': { post: UPLOAD },
  '/upload': { post: { ...UPLOAD, summary: 'The same as /v1/upload (the path Python clients call)' } },
  '/v1/list-documents': {
    post: {
      summary: 'List documents of a corpus, 10 by default (proto3 JSON; snake_case or camelCase keys)',
      parameters: [customerHeader(true)],
      body: jsonBody({
        corpusId: { type: ['integer', 'string'] },
        numResults: { type: 'integer', minimum: 1, maximum: 1000 },
        pageKey: { type: 'string' },
        metadataFilter: { type: 'string', description: "doc.key = 'value' / doc.key = 123, joined by AND" },
      }, ['corpusId']),
      ok: { 200: 'V1ListResponse' },
      errors: [...CREDENTIAL_ERRORS, 413],
    },
  },
  '/v1/delete-doc': {
    post: {
      summary: 'Delete a document (idempotent); its quota is freed',
      parameters: [customerHeader(true)],
      body: jsonBody({ customerId: { type: ['integer', 'string'] }, corpusId: { type: ['integer', 'string'] }, documentId: { type: 'string' } }, ['corpusId', 'documentId']),
      ok: { 200: 'Empty' },
      errors: [...CREDENTIAL_ERRORS, 413],
    },
  },
  '/v1/index': {
    post: {
      summary: 'Index a Document given in proto3 JSON (same replay/409/507 rules as upload)',
      parameters: [customerHeader(true)],
      body: jsonBody({ customerId: { type: ['integer', 'string'] }, corpusId: { type: ['integer', 'string'] }, document: { $ref: '#/components/schemas/Document' } }, ['corpusId', 'document']),
      ok: { 200: 'IndexResponse' },
      errors: [...CREDENTIAL_ERRORS, 409, 413, 422, 503, 507],
    },
  },
  '/v2/corpora': {
    get: { summary: "List the customer's corpora with usage (admin)", parameters: [customerHeader(false)], ok: { 200: 'CorpusList' }, errors: CREDENTIAL_ERRORS },
    post: {
      summary: 'Create a corpus (admin)',
      parameters: [customerHeader(false)],
      body: jsonBody({ id: { type: ['integer', 'string'] }, name: { type: 'string' } }, ['id', 'name']),
      ok: { 201: 'Corpus' },
      errors: [...CREDENTIAL_ERRORS, 409, 413],
    },
  },
  '/v2/corpora/{corpus}': {
    get: { summary: 'A corpus with its usage and limits (admin)', parameters: [corpusParam, customerHeader(false)], ok: { 200: 'Corpus' }, errors: CREDENTIAL_ERRORS },
  },
  '/v2/quota': {
    get: { summary: "The customer's usage and limits (admin)", parameters: [customerHeader(false)], ok: { 200: 'Usage' }, errors: CREDENTIAL_ERRORS },
    put: {
      summary: "Set the customer's limits (admin); absent = unchanged, null = the configured default",
      parameters: [customerHeader(false)],
      body: jsonBody({ max_chars: limit, max_docs: limit }),
      ok: { 200: 'Usage' },
      errors: [...CREDENTIAL_ERRORS, 413],
    },
  },
  '/v2/corpora/{corpus}/quota': {
    get: { summary: "A corpus's usage and limits (admin)", parameters: [corpusParam, customerHeader(false)], ok: { 200: 'Usage' }, errors: CREDENTIAL_ERRORS },
    put: {
      summary: "Set a corpus's limits (admin)",
      parameters: [corpusParam, customerHeader(false)],
      body: jsonBody({ max_chars: limit, max_docs: limit }),
      ok: { 200: 'Usage' },
      errors: [...CREDENTIAL_ERRORS, 413],
    },
  },
  '/v2/corpora/{corpus}/documents': {
    get: {
      summary: 'Page through stored documents in id order, with provenance',
      parameters: [
        corpusParam,
        customerHeader(false),
        query('limit', 'page size, 1 … 1000 (default 10)'),
        query('page_key', 'from the previous page'),
        query('id_prefix', 'only ids starting with this'),
        query('metadata_filter', "doc.key = 'value', joined by AND"),
      ],
      ok: { 200: 'DocumentList' },
      errors: CREDENTIAL_ERRORS,
    },
  },
  '/v2/corpora/{corpus}/documents/{id}': {
    get: {
      summary: 'A stored Document as proto3 JSON, binary protobuf or protobuf text format (by Accept)',
      parameters: [corpusParam, idParam, customerHeader(false)],
      ok: {
        200: {
          'application/json': { $ref: '#/components/schemas/Document' },
          'application/x-protobuf': { type: 'string', format: 'binary' },
          'text/plain': { type: 'string' },
        },
      },
      errors: [...CREDENTIAL_ERRORS, 404, 406],
    },
    delete: { summary: 'Delete a stored document; its quota is freed', parameters: [corpusParam, idParam, customerHeader(false)], ok: { 204: null }, errors: [...CREDENTIAL_ERRORS, 404] },
  },
  '/v2/corpora/{corpus}/documents/{id}/info': {
    get: { summary: 'What is stored under the id: title, metadata, charge, provenance', parameters: [corpusParam, idParam, customerHeader(false)], ok: { 200: 'DocumentRecord' }, errors: [...CREDENTIAL_ERRORS, 404] },
  },
  '/metrics': {
    get: {
      summary: 'Prometheus metrics (no credential: keep it off the public ingress)',
      auth: false,
      ok: { 200: { 'text/plain': { type: 'string', description: 'Prometheus text exposition format 0.0.4' } } },
      errors: [],
    },
  },
  '/healthz': {
    get: { summary: 'The process is up', auth: false, ok: { 200: 'Health' }, errors: [] },
  },
  '/readyz': {
    get: {
      summary: 'Ready to serve: database reachable, workers alive, data directory writable (503 otherwise, and while draining)',
      auth: false,
      ok: { 200: 'Readiness', 503: 'Readiness' },
      errors: [],
    },
  },
  '/console': {
    get: {
      summary: 'The operator web console (redirects to /console/, which serves index.html); sign in with an admin API key',
      auth: false,
      ok: { 200: { 'text/html': { type: 'string' } }, 301: { 'text/html': { type: 'string' } }, 304: null },
      errors: [404],
    },
  },
  '/console/{file}': {
    get: {
      summary: "The console's static files (index.html, console.js, console.css)",
      auth: false,
      parameters: [{ name: 'file', in: 'path', required: true, schema: { type: 'string' } }],
      ok: {
        200: { 'text/html': { type: 'string' }, 'text/css': { type: 'string' }, 'text/javascript': { type: 'string' }, 'application/javascript': { type: 'string' } },
        304: null,
      },
      errors: [404],
    },
  },
  '/openapi.json': {
    get: { summary: 'This document', auth: false, ok: { 200: { 'application/json': { type: 'object', required: ['openapi', 'paths'] } } }, errors: [] },
  },
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request', 401: 'Missing or invalid credential', 403: 'Not allowed for this credential', 404: 'Not found',
  406: 'Not acceptable', 408: 'The request arrived too slowly', 409: 'Conflict', 413: 'Payload too large',
  415: 'Unsupported media type', 422: 'The file could not be extracted', 431: 'Request headers too large',
  500: 'Internal error', 503: 'Busy; retry after Retry-After seconds', 507: 'Quota exceeded',
};

function responses(op: Operation): Json {
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
    out[String(status)] = {
      description: `${STATUS_TEXT[status] ?? 'Error'}: ${codes.join(', ')}`,
      content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/Error' }, { properties: { httpCode: { const: status }, internalCode: { enum: codes } } }] } } },
    };
  }
  return out;
}

export function openApiDocument(): Json {
  const paths: Json = {};
  for (const [path, operations] of Object.entries(PATHS)) {
    paths[path] = Object.fromEntries(
      Object.entries(operations).map(([method, op]) => [
        method,
        {
          summary: op.summary,
          ...(op.auth === false ? { security: [] } : {}),
          ...(op.parameters ? { parameters: op.parameters } : {}),
          ...(op.body ? { requestBody: op.body } : {}),
          responses: responses(op),
        },
      ]),
    );
  }
  return {
    openapi: '3.1.0',
    info: { title: 'corpusgate', version: '0.1.0', description: 'Self-hostable corpus indexing gateway speaking the Vectara upload contract.' },
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
