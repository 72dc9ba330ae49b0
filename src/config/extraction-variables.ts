/**
 * The config table's entries for extraction, OCR and the batch job runner (a part of
 * CONFIG_VARIABLES in variables.ts, kept apart to keep that file short).
 */
import os from 'node:os';
import { enumOf, int } from './parsers.js';
import { MS_1H, variable } from './variable.js';

export const EXTRACTION_VARIABLES = [
  variable({
    name: 'EXTRACT_WORKERS',
    description: 'Extraction worker threads (default: the number of CPUs).',
    parser: int(1, 256),
    to: 'extract.workers',
    unset: () => Math.max(1, os.availableParallelism()),
  }),
  variable({
    name: 'EXTRACT_TIMEOUT_MS',
    description: 'Longest one file may take to extract; past it the worker is killed (422 EXTRACTION_TIMEOUT).',
    default: '60000',
    parser: int(100, MS_1H),
    to: 'extract.timeoutMs',
  }),
  variable({
    name: 'EXTRACT_MAX_HEAP_MB',
    description: 'Heap cap of each extraction worker; a file that needs more gets 422 EXTRACTION_RESOURCE_LIMIT.',
    default: '512',
    parser: int(32, 65_536),
    to: 'extract.maxHeapMb',
  }),
  variable({
    name: 'EXTRACT_MAX_BUFFER_MB',
    description:
      'Memory outside the heap one parse may hold (ArrayBuffers, WASM memory), e.g. a stream that inflates without end; ' +
      'past it the file gets 422 EXTRACTION_RESOURCE_LIMIT.',
    default: '128',
    parser: int(16, 65_536),
    to: 'extract.maxBufferMb',
  }),
  variable({
    name: 'PDF_ENGINE',
    description:
      'PDF text engine: auto (PDFium, with pdf.js for files PDFium cannot read or whose fonts it cannot map to Unicode), ' +
      'pdfium or pdfjs (that engine only).',
    default: 'auto',
    parser: enumOf(['auto', 'pdfium', 'pdfjs']),
    to: 'extract.pdfEngine',
  }),
  variable({
    name: 'OCR',
    description:
      'Optical character recognition (tesseract.js, English): auto (images — jpg, png, bmp, tiff — and PDF pages without a text layer ' +
      'are recognised) or off (images get 415 UNSUPPORTED_TYPE, PDFs without text 422 NO_TEXT).',
    default: 'auto',
    parser: enumOf(['auto', 'off']),
    to: 'extract.ocr',
  }),
  variable({
    name: 'OCR_MAX_PAGES',
    description: 'Most pages recognised in one file (PDF pages without text, TIFF pages); later ones are skipped with a warning.',
    default: '50',
    parser: int(1, 10_000),
    to: 'extract.ocrMaxPages',
  }),
  variable({
    name: 'OCR_MAX_MEGAPIXELS',
    description:
      'Largest image, or PDF page rendered at 300 dpi, that is recognised, in megapixels; a larger one is refused before it is decoded ' +
      '(422 EXTRACTION_RESOURCE_LIMIT).',
    default: '40',
    parser: int(1, 1_000),
    to: 'extract.ocrMaxMegapixels',
  }),
  variable({
    name: 'OCR_TIMEOUT_MS',
    description:
      "Time one file's OCR may take, counted apart from EXTRACT_TIMEOUT_MS: a parse that starts OCR may run EXTRACT_TIMEOUT_MS + " +
      'OCR_TIMEOUT_MS in all; past either 422 EXTRACTION_TIMEOUT.',
    default: '120000',
    parser: int(100, MS_1H),
    to: 'extract.ocrTimeoutMs',
  }),
  variable({
    name: 'EXTRACT_QUEUE_MAX',
    description: 'Files that may wait for a worker; past it uploads get 503 with Retry-After.',
    default: '64',
    parser: int(0, 100_000),
    to: 'extract.queueMax',
  }),
  variable({
    name: 'JOB_LEASE_MS',
    description:
      'How long a claim holds a batch job; the gateway renews it every third of this while the job runs, so a killed ' +
      "process's jobs are taken again at most this long after it died.",
    default: '30000',
    parser: int(1000, MS_1H),
    to: 'jobs.leaseMs',
  }),
  variable({
    name: 'JOB_MAX_ATTEMPTS',
    description:
      'Attempts of a batch job whose parse killed or timed out its worker (or whose process died under it) before the job ' +
      'fails with QUARANTINED and is not taken again (corpusgate jobs retry re-queues it).',
    default: '3',
    parser: int(1, 100),
    to: 'jobs.maxAttempts',
  }),
] as const;
