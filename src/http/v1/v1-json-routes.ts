import type { Request, RequestHandler, Response } from 'express';
import { parseCorpusId, toCustomerId } from '../../ids/index.js';
import { MAX_DOCUMENT_JSON_DEPTH, normalizeDocumentId } from '../../document/index.js';
import { InvalidRequestError } from '../../errors/index.js';
import { deleteDocument, indexDocument, listDocuments } from '../../usecases/index.js';
import { CREDENTIAL_ERRORS, customerHeader, jsonBody } from '../openapi/parameters.js';
import type { Route, RouteDeps } from '../route.js';
import { runIngest } from '../run-ingest.js';
import { authenticate } from '../authenticate.js';
import { v1ListBody } from '../catalog-views.js';
import { resolveCustomer } from '../customer.js';
import { field, jsonObjectBody, optionalInteger, optionalString, type JsonFields } from '../json-body.js';
import { required } from '../locals.js';
import { annotateRequest } from '../../observability/index.js';
import { ENVELOPE_ALLOWANCE_BYTES } from '../upload/guards.js';
import { indexResponse } from '../views.js';

/** Small JSON requests (listing, deleting) need far less than an upload. */
const SMALL_BODY_BYTES = 1024 * 1024;

/**
 * Vectara's v1 JSON endpoints, proto3 JSON in and out (snake_case and camelCase keys accepted).
 * Like Vectara's, they require the `customer-id` header.
 */
const guards = (deps: RouteDeps, limit: number, maxDepth?: number): RequestHandler[] => [
  authenticate(deps.authenticator),
  resolveCustomer('header-required'),
  ...jsonObjectBody(limit, maxDepth),
];

const listDocumentsRoute: Route['handlers'] = (deps) => [
  ...guards(deps, SMALL_BODY_BYTES),
  async (req: Request, res: Response) => {
    const body = req.body as JsonFields;
    const listing = await listDocuments(deps, required(res, 'principal'), target(req, res, body), {
      pageSize: optionalInteger(body, 'num_results'),
      pageKey: optionalString(body, 'page_key'),
      metadataFilter: optionalString(body, 'metadata_filter'),
    });
    res.json(v1ListBody(listing));
  },
];

const deleteDocumentRoute: Route['handlers'] = (deps) => [
  ...guards(deps, SMALL_BODY_BYTES),
  async (req: Request, res: Response) => {
    const body = req.body as JsonFields;
    const corpus = target(req, res, body);
    const documentId = normalizeDocumentId(optionalString(body, 'document_id') ?? '', 'document_id');
    annotateRequest(req, { documentId });
    // Idempotent: deleting what is not there is not an error.
    await deleteDocument(deps, required(res, 'principal'), { ...corpus, documentId }, 'ignore');
    res.json({});
  },
];

const indexDocumentRoute: Route['handlers'] = (deps) => [
  ...guards(deps, deps.maxUploadBytes + ENVELOPE_ALLOWANCE_BYTES, MAX_DOCUMENT_JSON_DEPTH),
  async (req: Request, res: Response) => {
    const body = req.body as JsonFields;
    const corpus = target(req, res, body);
    const principal = required(res, 'principal');
    const result = await runIngest(req, res, (signal) => indexDocument(deps, principal, { target: corpus, document: field(body, 'document'), signal }));
    res.json(indexResponse(result, true));
  },
];

export const V1_JSON_ROUTES: readonly Route[] = [
  {
    method: 'POST',
    path: '/v1/list-documents',
    operation: {
      operationId: 'listDocumentsV1',
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
    handlers: listDocumentsRoute,
  },
  {
    method: 'POST',
    path: '/v1/delete-doc',
    operation: {
      operationId: 'deleteDocumentV1',
      summary: 'Delete a document (idempotent); its quota is freed',
      parameters: [customerHeader(true)],
      body: jsonBody({ customerId: { type: ['integer', 'string'] }, corpusId: { type: ['integer', 'string'] }, documentId: { type: 'string' } }, ['corpusId', 'documentId']),
      ok: { 200: 'Empty' },
      errors: [...CREDENTIAL_ERRORS, 413],
    },
    handlers: deleteDocumentRoute,
  },
  {
    method: 'POST',
    path: '/v1/index',
    operation: {
      operationId: 'indexDocumentV1',
      summary: 'Index a Document given in proto3 JSON (same replay/409/507 rules as upload)',
      parameters: [customerHeader(true)],
      body: jsonBody({ customerId: { type: ['integer', 'string'] }, corpusId: { type: ['integer', 'string'] }, document: { $ref: '#/components/schemas/Document' } }, ['corpusId', 'document']),
      ok: { 200: 'IndexResponse' },
      errors: [...CREDENTIAL_ERRORS, 409, 413, 422, 503, 507],
    },
    handlers: indexDocumentRoute,
  },
];

/** The corpus named by the body; a customerId in the body must agree with the header. */
function target(req: Request, res: Response, body: JsonFields): { customerId: string; corpusId: string } {
  const customerId = required(res, 'customerId');
  const inBody = field(body, 'customer_id');
  if (inBody !== undefined && toCustomerId(inBody) !== customerId) {
    throw new InvalidRequestError('INVALID_PARAMETER', `customerId in the body (${String(inBody)}) and the customer-id header (${customerId}) disagree`);
  }
  const corpusId = parseCorpusId(field(body, 'corpus_id'), 'corpusId');
  annotateRequest(req, { corpusId });
  return { customerId, corpusId };
}
