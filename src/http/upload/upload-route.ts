import { Router } from 'express';
import type { Authenticator } from '../../auth/index.js';
import { parseDocMetadata } from '../../document/index.js';
import { uploadDocument, type IngestDeps } from '../../usecases/index.js';
import { runIngest } from '../run-ingest.js';
import { annotateRequest } from '../../observability/index.js';
import { uploadResponse } from '../views.js';
import { authenticate } from '../authenticate.js';
import { required } from '../locals.js';
import {
  authorizeQueryTarget,
  parseUploadQuery,
  readUploadForm,
  rejectDeclaredOversize,
  resolveReturnDocument,
  resolveTarget,
} from './guards.js';

export const UPLOAD_PATHS = ['/v1/upload', '/upload'] as const;

export interface UploadRouteDeps extends IngestDeps {
  readonly authenticator: Authenticator;
  readonly maxUploadBytes: number;
  /** Where large uploads wait on disk for a worker (see FilePart). */
  readonly spoolDir: string;
}

/** POST /v1/upload (and /upload, which Python clients call): the Vectara upload contract. */
export function uploadRouter(deps: UploadRouteDeps): Router {
  const router = Router();
  router.post(
    [...UPLOAD_PATHS],
    authenticate(deps.authenticator), //                     401
    rejectDeclaredOversize(deps.maxUploadBytes), //          413 from Content-Length
    parseUploadQuery, //                                     400
    (req, res, next) => {
      const { customerId, corpusId } = required(res, 'query');
      annotateRequest(req, { customerId, corpusId }); //    log context, also for a 403 or 413
      next();
    },
    authorizeQueryTarget, //                                 403 before the body is read
    readUploadForm(deps.maxUploadBytes, deps.spoolDir), //                  413 | 400
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
  );
  return router;
}
