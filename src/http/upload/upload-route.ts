import type { Response } from 'express';
import { parseDocMetadata } from '../../document/index.js';
import { annotateRequest } from '../../observability/index.js';
import { SUPPORTED_TYPES } from '../../extract/index.js';
import { uploadDocument } from '../../usecases/index.js';
import { authenticate } from '../authenticate.js';
import { required } from '../locals.js';
import { CREDENTIAL_ERRORS, customerHeader, query } from '../openapi/parameters.js';
import type { Operation, Route } from '../route.js';
import { customerKey, limitUploads } from '../rate-limit.js';
import { runIngest } from '../run-ingest.js';
import { uploadResponse } from '../views.js';
import {
  authorizeQueryTarget,
  parseUploadQuery,
  readUploadForm,
  rejectDeclaredOversize,
  resolveReturnDocument,
  resolveTarget,
} from './guards.js';

export const UPLOAD_PATHS = ['/v1/upload', '/upload'] as const;

const UPLOAD: Operation = {
  operationId: 'upload',
  summary: 'Upload one file (pdf, docx, pptx, odt, doc, rtf, html, md, epub, eml, txt, an image, or a Document as .pb/.pbtxt/.json) into a corpus (Vectara v1 upload contract)',
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
            file: { type: 'string', format: 'binary', description: `exactly one; its filename is the id of raw files. Types (by content, the name a hint): ${SUPPORTED_TYPES.join('; ')}` },
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
  errors: [...CREDENTIAL_ERRORS, 409, 413, 415, 422, 429, 503, 507],
};

/**
 * Whose allowance an upload uses: the credential's customer. Authorization makes it equal to the
 * upload's c (checked later when c comes as a form field), so the query's c is not trusted here: a
 * credential of customer A naming c=B must not use up B's allowance. A credential naming no
 * customer (it can upload nothing: 403 follows) is counted by its subject.
 */
function uploadRateKey(res: Response): string {
  const principal = required(res, 'principal');
  return principal.customerId === null ? `subject:${principal.subject}` : customerKey(principal.customerId);
}

/** POST /v1/upload (and /upload, which Python clients call): the Vectara upload contract. */
const upload: Route['handlers'] = (deps) => [
  authenticate(deps.authenticator), //                     401
  rejectDeclaredOversize(deps.maxUploadBytes), //          413 from Content-Length
  parseUploadQuery, //                                     400
  (req, res, next) => {
    const { customerId, corpusId } = required(res, 'query');
    annotateRequest(req, { customerId, corpusId }); //    log context, also for a 403 or 413
    next();
  },
  authorizeQueryTarget, //                                 403 before the body is read
  limitUploads(deps.uploadLimiter, uploadRateKey), //      429 before the body is read
  readUploadForm(deps.maxUploadBytes, deps.spoolDir), //   413 | 400
  resolveTarget, //                                        400 | 403
  resolveReturnDocument, //                                400
  async (req, res) => {
    const form = required(res, 'form');
    annotateRequest(req, { ...required(res, 'target'), fileBytes: form.file.size }); // log context
    const result = await runIngest(req, res, (signal) =>
      uploadDocument(deps, required(res, 'principal'), {
        target: required(res, 'target'),
        file: form.file,
        docMetadata: form.docMetadata === undefined ? undefined : parseDocMetadata(form.docMetadata),
        returnDocument: required(res, 'returnDocument'),
        signal,
      }),
    );
    res.status(200).json(uploadResponse(result));
  },
];

export const UPLOAD_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/v1/upload', operation: UPLOAD, handlers: upload },
  { method: 'POST', path: '/upload', operation: { ...UPLOAD, operationId: 'uploadAlias', summary: 'The same as /v1/upload (the path Python clients call)' }, handlers: upload },
];
