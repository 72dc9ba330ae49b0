export { listDocuments, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type DocumentListing, type ListRequest } from './list-documents.js';
export { parseMetadataFilter } from './metadata-filter.js';
export { requireCorpus } from './require-corpus.js';
