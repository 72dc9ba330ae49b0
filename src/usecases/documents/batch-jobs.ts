import { authorize, extractionTarget, type Principal } from '../../auth/index.js';
import { DocumentNotFoundError, InvalidRequestError } from '../../errors/index.js';
import type { CorpusRef, JobRecord, JobStatus } from '../../store/index.js';
import { requireCorpus } from '../corpora/require-corpus.js';
import type { UseCaseDeps } from '../deps.js';

export const DEFAULT_JOB_PAGE_SIZE = 100;
export const MAX_JOB_PAGE_SIZE = 1000;
const STATUSES: readonly JobStatus[] = ['queued', 'processing', 'done', 'failed'];

export interface JobListRequest {
  /** One status, or (operators) several joined by commas; absent: every job. */
  readonly status?: string | undefined;
  readonly pageKey?: string | undefined;
  /** As sent (a query parameter); absent: DEFAULT_JOB_PAGE_SIZE. */
  readonly limit?: string | undefined;
}

export interface JobListing {
  /** FIFO: in the order the files were uploaded (see pageJobs). */
  readonly jobs: readonly JobRecord[];
  /** null on the last page. */
  readonly nextPageKey: string | null;
}

/**
 * GET /api/v1/documents: a page of the credential's corpus's batch jobs. Listed FIFO, in upload
 * order (decided over newest first): the order the runner works through a customer's jobs, and a
 * cursor that stays valid while uploads arrive (they append at the end, so the last page key also
 * picks up later uploads).
 */
export async function listBatchDocuments(deps: UseCaseDeps, principal: Principal, request: JobListRequest): Promise<JobListing> {
  const target = extractionTarget(principal);
  return pageOf(deps, target, request, 'one');
}

/** GET /v2/corpora/{corpus}/jobs: the same listing for operators (readers of the corpus). */
export async function listCorpusJobs(deps: UseCaseDeps, principal: Principal, corpus: CorpusRef, request: JobListRequest): Promise<JobListing> {
  authorize(principal, corpus, 'read');
  await requireCorpus(deps.store, corpus);
  return pageOf(deps, corpus, request, 'several');
}

async function pageOf(deps: UseCaseDeps, corpus: CorpusRef, request: JobListRequest, statuses: 'one' | 'several'): Promise<JobListing> {
  const limit = pageSize(request.limit);
  const status = request.status === undefined ? undefined : parseStatuses(request.status, statuses);
  const page = await deps.store.pageJobs(corpus, {
    limit,
    ...(status ? { statuses: status } : {}),
    ...(request.pageKey ? { afterSeq: decodeJobPageKey(request.pageKey) } : {}), // "": the first page
  });
  return { jobs: page.jobs, nextPageKey: page.hasMore && page.lastSeq !== null ? encodeJobPageKey(page.lastSeq) : null };
}

/**
 * DELETE /api/v1/documents/{id}: the job, its Document (the charge given back) and its file
 * (unless another job needs it), in one store step. DocumentNotFoundError for an unknown id;
 * JobProcessingError (409) while it is being extracted.
 */
export async function deleteBatchDocument(deps: UseCaseDeps, principal: Principal, input: { readonly id: string }): Promise<void> {
  const target = extractionTarget(principal);
  if (!(await deps.store.deleteJob(target, input.id))) throw new DocumentNotFoundError(input.id, target.corpusId);
}

function pageSize(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_JOB_PAGE_SIZE;
  const limit = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= MAX_JOB_PAGE_SIZE)) {
    throw new InvalidRequestError('INVALID_PARAMETER', `limit must be an integer from 1 to ${MAX_JOB_PAGE_SIZE}, got "${raw}"`);
  }
  return limit;
}

function parseStatuses(raw: string, allowed: 'one' | 'several'): JobStatus[] {
  const parts = allowed === 'several' ? raw.split(',') : [raw];
  const known = (part: string): part is JobStatus => (STATUSES as readonly string[]).includes(part);
  if (parts.every(known)) return parts;
  const expected = STATUSES.join(', ') + (allowed === 'several' ? ' (several joined by commas)' : '');
  throw new InvalidRequestError('INVALID_PARAMETER', `status must be one of ${expected}, got "${raw}"`);
}

/** Opaque to clients: base64url of a small JSON cursor, the queue position of the page's last job. */
function encodeJobPageKey(seq: number): string {
  return Buffer.from(JSON.stringify({ v: 1, job: seq }), 'utf8').toString('base64url');
}

function decodeJobPageKey(pageKey: string): number {
  try {
    const cursor = JSON.parse(Buffer.from(pageKey, 'base64url').toString('utf8')) as { v?: unknown; job?: unknown };
    if (cursor.v === 1 && Number.isSafeInteger(cursor.job) && (cursor.job as number) >= 0) return cursor.job as number;
  } catch {
    // fall through: not one of ours
  }
  throw new InvalidRequestError('INVALID_PAGE_KEY', 'the page key is not one this gateway issued; start again without it');
}
