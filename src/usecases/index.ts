export type { IngestDeps, UseCaseDeps } from './deps.js';
export { uploadDocument, inMemoryFile, type UploadInput, type UploadResult, type UploadedFile } from './documents/upload.js';
export { indexDocument } from './documents/index-document.js';
export { listDocuments, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type DocumentListing, type ListRequest } from './documents/list.js';
export { getDocument, getDocumentRecord } from './documents/read.js';
export { deleteDocument } from './documents/delete.js';
export { uploadHash } from './documents/content-hash.js';
export { createCorpus, ensureCorpus, getCorpus, listCorpora, type CorpusView } from './corpora/corpora.js';
export { setQuota, showQuota, type UsageView } from './corpora/quota.js';
export { requireCorpus } from './corpora/require-corpus.js';
export { createApiKey, listApiKeys, revokeApiKey, type NewApiKeyInput } from './api-keys/api-keys.js';
export { batchUpload, type AcceptedFile, type BatchDeps, type BatchFile, type BatchUploadInput } from './documents/batch-upload.js';
export { getJobStatus, type JobStatusResult } from './documents/job-status.js';
export { processJob, type JobDeps } from './documents/process-job.js';
export {
  deleteBatchDocument,
  listBatchDocuments,
  listCorpusJobs,
  DEFAULT_JOB_PAGE_SIZE,
  MAX_JOB_PAGE_SIZE,
  type JobListing,
  type JobListRequest,
} from './documents/batch-jobs.js';
export { listJobs, retryJob, showJob } from './jobs/jobs.js';
