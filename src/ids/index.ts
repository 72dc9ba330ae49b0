export { canonicalId, MAX_CORPUS_ID, MAX_CUSTOMER_ID, parseCorpusId, parseCustomerId, toCorpusId, toCustomerId, type CorpusId, type CustomerId } from './ids.js';
export { normalizeDocumentId } from '../document/index.js';
