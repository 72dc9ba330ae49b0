export { ingest, type IngestDeps, type IngestRequest, type IngestResult, type UploadedFile, inMemoryFile } from './ingest.js';
export { contentHash } from './content-hash.js';
