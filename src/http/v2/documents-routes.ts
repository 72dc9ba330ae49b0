import { Router, type Request, type RequestHandler, type Response } from 'express';
import { toText } from '@bufbuild/protobuf/txtpb';
import type { Authenticator } from '../../auth/index.js';
import { decodeStoredDocument, documentToJson, DocumentSchema } from '../../document/index.js';
import { NotAcceptableError } from '../../errors/index.js';
import type { DocumentKey } from '../../store/index.js';
import { deleteDocument, getDocument, getDocumentRecord, listDocuments, type UseCaseDeps } from '../../usecases/index.js';
import { authenticate } from '../authenticate.js';
import { documentRecordBody, v2ListBody } from '../catalog-views.js';
import { corpusFromPath, resolveCustomer } from '../customer.js';
import { queryValue } from '../query.js';
import { annotateRequest } from '../../observability/index.js';
import { required } from '../locals.js';

export interface DocumentsRouteDeps extends UseCaseDeps {
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
    const listing = await listDocuments(deps, required(res, 'principal'), corpusFromPath(req, res), {
      pageSize: req.query['limit'] === undefined ? undefined : Number(queryValue(req, 'limit')),
      pageKey: queryValue(req, 'page_key'),
      metadataFilter: queryValue(req, 'metadata_filter'),
      idPrefix: queryValue(req, 'id_prefix'),
    });
    res.json(v2ListBody(listing));
  });

  router.get('/v2/corpora/:corpus/documents/:id/info', guards, async (req: Request, res: Response) => {
    res.json(documentRecordBody(await getDocumentRecord(deps, required(res, 'principal'), documentKey(req, res))));
  });

  router.get('/v2/corpora/:corpus/documents/:id', guards, async (req: Request, res: Response) => {
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
  });

  router.delete('/v2/corpora/:corpus/documents/:id', guards, async (req: Request, res: Response) => {
    await deleteDocument(deps, required(res, 'principal'), documentKey(req, res), 'fail');
    res.status(204).end();
  });

  return router;
}

/** The corpus and document named by the path (Express percent-decodes them once). */
function documentKey(req: Request, res: Response): DocumentKey {
  const documentId = String(req.params['id']);
  annotateRequest(req, { documentId });
  return { ...corpusFromPath(req, res), documentId };
}
