import type { Request, RequestHandler, Response } from 'express';
import { toText } from '@bufbuild/protobuf/txtpb';
import { decodeStoredDocument, documentToJson, DocumentSchema } from '../../document/index.js';
import { NotAcceptableError } from '../../errors/index.js';
import { annotateRequest } from '../../observability/index.js';
import type { DocumentKey } from '../../store/index.js';
import { deleteDocument, getDocument, getDocumentRecord, listDocuments } from '../../usecases/index.js';
import { authenticate } from '../authenticate.js';
import { documentRecordBody, v2ListBody } from '../catalog-views.js';
import { corpusFromPath, resolveCustomer } from '../customer.js';
import { required } from '../locals.js';
import { corpusParam, CREDENTIAL_ERRORS, customerHeader, idParam, query } from '../openapi/parameters.js';
import { queryValue } from '../query.js';
import type { Route, RouteDeps } from '../route.js';

/** The representations of a stored Document, in the order offered when Accept allows several. */
const REPRESENTATIONS = ['application/json', 'application/x-protobuf', 'text/plain'] as const;

/**
 * REST for operators: list a corpus's documents, read one in JSON, binary or text format (with
 * its provenance under /info), delete one. Path ids are percent-decoded exactly once (by Express).
 */
const guards = (deps: RouteDeps): RequestHandler[] => [authenticate(deps.authenticator), resolveCustomer('header-optional')];

/** The corpus and document named by the path. */
function documentKey(req: Request, res: Response): DocumentKey {
  const documentId = String(req.params['id']);
  annotateRequest(req, { documentId });
  return { ...corpusFromPath(req, res), documentId };
}

const list: Route['handlers'] = (deps) => [
  ...guards(deps),
  async (req: Request, res: Response) => {
    const listing = await listDocuments(deps, required(res, 'principal'), corpusFromPath(req, res), {
      pageSize: req.query['limit'] === undefined ? undefined : Number(queryValue(req, 'limit')),
      pageKey: queryValue(req, 'page_key'),
      metadataFilter: queryValue(req, 'metadata_filter'),
      idPrefix: queryValue(req, 'id_prefix'),
    });
    res.json(v2ListBody(listing));
  },
];

const info: Route['handlers'] = (deps) => [
  ...guards(deps),
  async (req: Request, res: Response) => {
    res.json(documentRecordBody(await getDocumentRecord(deps, required(res, 'principal'), documentKey(req, res))));
  },
];

const read: Route['handlers'] = (deps) => [
  ...guards(deps),
  async (req: Request, res: Response) => {
    const key = documentKey(req, res);
    const type = req.accepts([...REPRESENTATIONS]);
    if (type === false) throw new NotAcceptableError(REPRESENTATIONS);
    const bytes = await getDocument(deps, required(res, 'principal'), key);
    res.vary('Accept');
    if (type === 'application/x-protobuf') {
      res.type('application/x-protobuf').send(Buffer.from(bytes));
      return;
    }
    const document = decodeStoredDocument(bytes);
    if (type === 'text/plain') res.type('text/plain; charset=utf-8').send(toText(DocumentSchema, document));
    else res.json(documentToJson(document));
  },
];

const remove: Route['handlers'] = (deps) => [
  ...guards(deps),
  async (req: Request, res: Response) => {
    await deleteDocument(deps, required(res, 'principal'), documentKey(req, res), 'fail');
    res.status(204).end();
  },
];

const DOCUMENT = '/v2/corpora/:corpus/documents/:id';
const keyParams = [corpusParam, idParam, customerHeader(false)];

export const DOCUMENT_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/v2/corpora/:corpus/documents',
    operation: {
      operationId: 'listDocuments',
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
    handlers: list,
  },
  {
    method: 'GET',
    path: DOCUMENT,
    operation: {
      operationId: 'getDocument',
      summary: 'A stored Document as proto3 JSON, binary protobuf or protobuf text format (by Accept)',
      parameters: keyParams,
      ok: {
        200: {
          'application/json': { $ref: '#/components/schemas/Document' },
          'application/x-protobuf': { type: 'string', format: 'binary' },
          'text/plain': { type: 'string' },
        },
      },
      errors: [...CREDENTIAL_ERRORS, 404, 406],
    },
    handlers: read,
  },
  {
    method: 'DELETE',
    path: DOCUMENT,
    operation: { operationId: 'deleteDocument', summary: 'Delete a stored document; its quota is freed', parameters: keyParams, ok: { 204: null }, errors: [...CREDENTIAL_ERRORS, 404] },
    handlers: remove,
  },
  {
    method: 'GET',
    path: `${DOCUMENT}/info`,
    operation: {
      operationId: 'getDocumentInfo',
      summary: 'What is stored under the id: title, metadata, charge, provenance',
      parameters: keyParams,
      ok: { 200: 'DocumentRecord' },
      errors: [...CREDENTIAL_ERRORS, 404],
    },
    handlers: info,
  },
];
