export { ingest, type IngestDeps, type IngestRequest, type IngestResult, type UploadedFile } from './ingest.js';
export { contentHash } from './content-hash.js';
