export { detectFormat, SUPPORTED_TYPES, type InputFormat } from './formats.js';
export { createExtractionPool, RETRY_AFTER_SECONDS, type ExtractionPoolOptions, type Extractor } from './pool.js';
export type { BuiltDocument, ExtractionTask, FileContent } from './build-document.js';
export type { ExtractionWarning } from './text-normalize.js';
