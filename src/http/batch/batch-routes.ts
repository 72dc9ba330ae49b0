import type { RequestHandler } from 'express';
import { extractionTarget } from '../../auth/index.js';
import { decodeStoredDocument, documentToJson } from '../../document/index.js';
import { InvalidRequestError, PayloadTooLargeError } from '../../errors/index.js';
import { SUPPORTED_TYPES } from '../../extract/index.js';
import { annotateRequest } from '../../observability/index.js';
import { batchUpload, deleteBatchDocument, getJobStatus, listBatchDocuments, MAX_JOB_PAGE_SIZE, type AcceptedFile, type JobStatusResult } from '../../usecases/index.js';
import { authenticate } from '../authenticate.js';
import { readBatchMultipart } from '../batch-multipart.js';
import { declaredLength } from '../content-length.js';
import { required } from '../locals.js';
import { query } from '../openapi/parameters.js';
import { queryValue } from '../query.js';
import { customerKey, limitUploads } from '../rate-limit.js';
import type { Operation, Route } from '../route.js';
import { ENVELOPE_ALLOWANCE_BYTES } from '../upload/guards.js';
import { jobBody } from './job-views.js';

const apiKeyHeader = { name: 'X-API-Key', in: 'header', required: false, schema: { type: 'string' }, description: 'an API key with the extractions:write scope (or a Bearer JWT)' };

const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'the id the upload answered' };

const UPLOAD: Operation = {
  operationId: 'batchUpload',
  summary: 'Upload one or more files (Documind upload API): stored now, extracted later; one new document id per file',
  parameters: [query('verbose', 'true: answer an object per file (id, filename, size, sha256, status, duplicate_of)'), apiKeyHeader],
  body: {
    required: true,
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          properties: { files: { type: 'array', items: { type: 'string', format: 'binary' }, description: `one part per file, each named "files"; raw files of these types: ${SUPPORTED_TYPES.join('; ')}` } },
          required: ['files'],
        },
      },
    },
  },
  ok: { 200: { 'application/json': { oneOf: [{ $ref: '#/components/schemas/BatchIds' }, { $ref: '#/components/schemas/BatchVerbose' }] } } },
  errors: [400, 401, 403, 413, 429, 507],
};

const STATUS: Operation = {
  operationId: 'batchDocumentStatus',
  summary: 'Where a batch-uploaded file is: queued, processing, done or failed (include=document adds the Document)',
  parameters: [
    idParam,
    query('include', '"document": add the extracted Document once done'),
    apiKeyHeader,
  ],
  ok: { 200: 'JobStatus' },
  errors: [400, 401, 403, 404],
};

const LIST: Operation = {
  operationId: 'batchDocumentList',
  summary: "A page of the corpus's batch-uploaded files and where each is, in upload order (FIFO)",
  parameters: [
    query('status', 'only files in this state: queued, processing, done or failed'),
    query('limit', `page size, 1 … ${MAX_JOB_PAGE_SIZE} (default 100)`),
    query('page_key', 'next_page_key of the previous page'),
    apiKeyHeader,
  ],
  ok: { 200: 'BatchDocumentList' },
  errors: [400, 401, 403],
};

const DELETE: Operation = {
  operationId: 'batchDocumentDelete',
  summary: 'Delete a batch-uploaded file: its job, its Document (the quota is freed) and its kept file; 409 while it is processed',
  parameters: [idParam, apiKeyHeader],
  ok: { 200: 'BatchDeleted' },
  errors: [400, 401, 403, 404, 409],
};

/** true/false/1/0 (any case); absent → false. */
function flag(value: string | undefined, name: string): boolean {
  if (value === undefined) return false;
  const v = value.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new InvalidRequestError('INVALID_PARAMETER', `${name} must be true or false, got "${value}"`);
}

/** 403 before the body is read: the credential must be an extractions:write one, of one corpus. */
const authorizeExtractions: RequestHandler = (req, res, next) => {
  annotateRequest(req, extractionTarget(required(res, 'principal')));
  next();
};

const upload: Route['handlers'] = (deps) => [
  authenticate(deps.authenticator), //  401
  authorizeExtractions, //              403
  (req, _res, next) => {
    const declared = declaredLength(req) ?? 0; // 413 from Content-Length, before a byte is read
    if (declared > deps.maxBatchBytes + ENVELOPE_ALLOWANCE_BYTES) throw new PayloadTooLargeError(`the body (${declared} bytes) exceeds MAX_BATCH_BYTES`);
    next();
  },
  // 429 before the body is read; the whole batch counts once. authorizeExtractions made sure the
  // credential names its customer.
  limitUploads(deps.uploadLimiter, (res) => customerKey(extractionTarget(required(res, 'principal')).customerId)),
  async (req, res) => {
    const verbose = flag(queryValue(req, 'verbose'), 'verbose');
    const files = await readBatchMultipart(req, {
      maxFileBytes: deps.maxUploadBytes, maxFiles: deps.maxBatchFiles, maxBatchBytes: deps.maxBatchBytes, spoolDir: deps.spoolDir,
    });
    const accepted = await batchUpload(deps, required(res, 'principal'), { files });
    res.status(200).json(verbose ? accepted.map(verboseView) : accepted.map((file) => file.id));
  },
];

const verboseView = (file: AcceptedFile) => ({
  id: file.id, filename: file.filename, size: file.size, sha256: file.sha256, status: file.status, duplicate_of: file.duplicateOf,
});

const status: Route['handlers'] = (deps) => [
  authenticate(deps.authenticator),
  authorizeExtractions,
  async (req, res) => {
    const include = queryValue(req, 'include');
    if (include !== undefined && include !== 'document') throw new InvalidRequestError('INVALID_PARAMETER', `include must be "document", got "${include}"`);
    const result = await getJobStatus(deps, required(res, 'principal'), { id: String(req.params['id']), includeDocument: include === 'document' });
    res.json(statusView(result));
  },
];

function statusView({ job, document }: JobStatusResult) {
  return { ...jobBody(job), ...(document ? { document: documentToJson(decodeStoredDocument(document)) } : {}) };
}

const list: Route['handlers'] = (deps) => [
  authenticate(deps.authenticator),
  authorizeExtractions,
  async (req, res) => {
    const listing = await listBatchDocuments(deps, required(res, 'principal'), {
      status: queryValue(req, 'status'), limit: queryValue(req, 'limit'), pageKey: queryValue(req, 'page_key'),
    });
    res.json({ documents: listing.jobs.map(jobBody), next_page_key: listing.nextPageKey });
  },
];

const remove: Route['handlers'] = (deps) => [
  authenticate(deps.authenticator),
  authorizeExtractions,
  async (req, res) => {
    const id = String(req.params['id']);
    await deleteBatchDocument(deps, required(res, 'principal'), { id });
    // 200 with a body, not 204: Python clients call response.json() on every answer.
    res.json({ id, deleted: true });
  },
];

/** The Documind-style batch upload API: its own paths, its own error shape ({"detail"}). */
export const BATCH_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/api/v1/upload', operation: UPLOAD, errorShape: 'detail', handlers: upload },
  { method: 'GET', path: '/api/v1/documents', operation: LIST, errorShape: 'detail', handlers: list },
  { method: 'GET', path: '/api/v1/documents/:id', operation: STATUS, errorShape: 'detail', handlers: status },
  { method: 'DELETE', path: '/api/v1/documents/:id', operation: DELETE, errorShape: 'detail', handlers: remove },
];
