import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Authenticator } from '../../auth/index.js';
import { parseCorpusId, toCustomerId } from '../../ids/index.js';
import { MAX_DOCUMENT_JSON_DEPTH, normalizeDocumentId } from '../../document/index.js';
import { InvalidRequestError } from '../../errors/index.js';
import { deleteDocument, indexDocument, listDocuments, type IngestDeps } from '../../usecases/index.js';
import { runIngest } from '../run-ingest.js';
import { authenticate } from '../authenticate.js';
import { v1ListBody } from '../catalog-views.js';
import { resolveCustomer } from '../customer.js';
import { field, jsonObjectBody, optionalInteger, optionalString, type JsonFields } from '../json-body.js';
import { required } from '../locals.js';
import { annotateRequest } from '../../observability/index.js';
import { ENVELOPE_ALLOWANCE_BYTES } from '../upload/guards.js';
import { indexResponse } from '../views.js';

export const V1_JSON_PATHS = ['/v1/list-documents', '/v1/delete-doc', '/v1/index'] as const;

/** Small JSON requests (listing, deleting) need far less than an upload. */
const SMALL_BODY_BYTES = 1024 * 1024;

export interface V1JsonRouteDeps extends IngestDeps {
  readonly authenticator: Authenticator;
  readonly maxUploadBytes: number;
}

/**
 * Vectara's v1 JSON endpoints, proto3 JSON in and out (snake_case and camelCase keys accepted).
 * Like Vectara's, they require the `customer-id` header.
 */
export function v1JsonRouter(deps: V1JsonRouteDeps): Router {
  const router = Router();
  const guards = (limit: number, maxDepth?: number): RequestHandler[] => [
    authenticate(deps.authenticator),
    resolveCustomer('header-required'),
    ...jsonObjectBody(limit, maxDepth),
  ];

  router.post('/v1/list-documents', guards(SMALL_BODY_BYTES), async (req: Request, res: Response) => {
    const body = req.body as JsonFields;
    const corpus = target(req, res, body);
    const listing = await listDocuments(deps, required(res, 'principal'), corpus, {
      pageSize: optionalInteger(body, 'num_results'),
      pageKey: optionalString(body, 'page_key'),
      metadataFilter: optionalString(body, 'metadata_filter'),
    });
    res.json(v1ListBody(listing));
  });

  router.post('/v1/delete-doc', guards(SMALL_BODY_BYTES), async (req: Request, res: Response) => {
    const body = req.body as JsonFields;
    const corpus = target(req, res, body);
    const documentId = normalizeDocumentId(optionalString(body, 'document_id') ?? '', 'document_id');
    annotateRequest(req, { documentId });
    // Idempotent: deleting what is not there is not an error.
    await deleteDocument(deps, required(res, 'principal'), { ...corpus, documentId }, 'ignore');
    res.json({});
  });

  router.post('/v1/index', guards(deps.maxUploadBytes + ENVELOPE_ALLOWANCE_BYTES, MAX_DOCUMENT_JSON_DEPTH), async (req: Request, res: Response) => {
    const body = req.body as JsonFields;
    const corpus = target(req, res, body);
    const principal = required(res, 'principal');
    const result = await runIngest(req, res, (signal) => indexDocument(deps, principal, { target: corpus, document: field(body, 'document'), signal }));
    res.json(indexResponse(result, true));
  });

  return router;
}

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
