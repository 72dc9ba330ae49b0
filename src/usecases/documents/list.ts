import { InvalidRequestError } from '../../errors/index.js';
import { authorize, type Principal } from '../../auth/index.js';
import type { CorpusRef, DocumentRecord } from '../../store/index.js';
import type { UseCaseDeps } from '../deps.js';
import { parseMetadataFilter } from './metadata-filter.js';
import { requireCorpus } from '../corpora/require-corpus.js';
import { decodePageKey, encodePageKey } from './page-key.js';

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 1000;

export interface ListRequest {
  readonly pageSize?: number | undefined;
  readonly pageKey?: string | undefined;
  readonly metadataFilter?: string | undefined;
  readonly idPrefix?: string | undefined;
}

export interface DocumentListing {
  readonly documents: readonly DocumentRecord[];
  /** "" on the last page. */
  readonly nextPageKey: string;
}

/** One page of a corpus's documents, in id order; the corpus must exist. */
export async function listDocuments(deps: UseCaseDeps, principal: Principal, corpus: CorpusRef, request: ListRequest): Promise<DocumentListing> {
  authorize(principal, corpus, 'read');
  const { store } = deps;
  const limit = request.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new InvalidRequestError('INVALID_PARAMETER', `the page size must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${String(request.pageSize)}`);
  }
  await requireCorpus(store, corpus);
  const page = await store.listDocuments(corpus, {
    limit,
    ...(request.pageKey ? { after: decodePageKey(request.pageKey) } : {}),
    ...(request.idPrefix ? { idPrefix: request.idPrefix } : {}),
    metadataEquals: parseMetadataFilter(request.metadataFilter ?? ''),
  });
  const last = page.documents.at(-1);
  return { documents: page.documents, nextPageKey: page.hasMore && last ? encodePageKey(last.key.documentId) : '' };
}
