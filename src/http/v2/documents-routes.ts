import { Router, type Request, type RequestHandler, type Response } from 'express';
import { toText } from '@bufbuild/protobuf/txtpb';
import type { Action, Authenticator } from '../../auth/index.js';
import { listDocuments, requireCorpus } from '../../catalog/index.js';
import { decodeStoredDocument, documentToJson, DocumentSchema, normalizeDocumentId } from '../../document/index.js';
import { DocumentNotFoundError, NotAcceptableError } from '../../errors/index.js';
import type { DocumentKey, DocumentStore } from '../../store/index.js';
import { authenticate } from '../authenticate.js';
import { documentRecordBody, v2ListBody } from '../catalog-views.js';
import { corpusFromPath, resolveCustomer } from '../customer.js';
import { queryValue } from '../query.js';
import { annotateRequest } from '../../observability/index.js';

export interface DocumentsRouteDeps {
  readonly store: DocumentStore;
  readonly authenticator: Authenticator;
}

/** The representations of a stored Document, in the order offered when Accept allows several. */
const REPRESENTATIONS = ['application/json', 'application/x-protobuf', 'text/plain'] as const;

/**
 * REST for operators: list a corpus's documents, read one in JSON, binary or text format (with
 * its provenance under /info), delete one. Path ids are percent-decoded exactly once (by Express).
 */
export function documentsRouter(deps: DocumentsRouteDeps): Router {
  const router = Router();
  const guards: RequestHandler[] = [authenticate(deps.authenticator), resolveCustomer('header-optional')];

  router.get('/v2/corpora/:corpus/documents', guards, async (req: Request, res: Response) => {
    const corpus = corpusFromPath(req, res, 'read');
    const listing = await listDocuments(deps.store, corpus, {
      pageSize: req.query['limit'] === undefined ? undefined : Number(queryValue(req, 'limit')),
      pageKey: queryValue(req, 'page_key'),
      metadataFilter: queryValue(req, 'metadata_filter'),
      idPrefix: queryValue(req, 'id_prefix'),
    });
    res.json(v2ListBody(listing));
  });

  router.get('/v2/corpora/:corpus/documents/:id/info', guards, async (req: Request, res: Response) => {
    const key = await documentKey(deps.store, req, res, 'read');
    const record = await deps.store.getDocumentRecord(key);
    if (!record) throw new DocumentNotFoundError(key.documentId, key.corpusId);
    res.json(documentRecordBody(record));
  });

  router.get('/v2/corpora/:corpus/documents/:id', guards, async (req: Request, res: Response) => {
    const key = await documentKey(deps.store, req, res, 'read');
    const type = req.accepts([...REPRESENTATIONS]);
    if (type === false) throw new NotAcceptableError(REPRESENTATIONS);
    const bytes = await deps.store.getDocument(key);
    if (!bytes) throw new DocumentNotFoundError(key.documentId, key.corpusId);
    res.vary('Accept');
    if (type === 'application/x-protobuf') {
      res.type('application/x-protobuf').send(Buffer.from(bytes));
      return;
    }
    const document = decodeStoredDocument(bytes);
    if (type === 'text/plain') res.type('text/plain; charset=utf-8').send(toText(DocumentSchema, document));
    else res.json(documentToJson(document));
  });

  router.delete('/v2/corpora/:corpus/documents/:id', guards, async (req: Request, res: Response) => {
    const key = await documentKey(deps.store, req, res, 'write');
    if (!(await deps.store.deleteDocument(key))) throw new DocumentNotFoundError(key.documentId, key.corpusId);
    res.status(204).end();
  });

  return router;
}

async function documentKey(store: DocumentStore, req: Request, res: Response, action: Action): Promise<DocumentKey> {
  const corpus = corpusFromPath(req, res, action);
  await requireCorpus(store, corpus);
  // Stored ids are NFC; the same normalisation here finds them whichever form the client sends.
  const documentId = normalizeDocumentId(String(req.params['id']), 'the document id in the path');
  annotateRequest(req, { documentId });
  return { ...corpus, documentId };
}
