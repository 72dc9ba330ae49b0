import type { OcrOptions } from './ocr/options.js';
import type { PdfEngineChoice } from './pdf/extract-pdf.js';

/** How this worker parses: set once from the pool's configuration. */
export interface ParseOptions {
  readonly pdfEngine: PdfEngineChoice;
  /** OCR of images and text-less PDF pages (off when not given). */
  readonly ocr?: OcrOptions;
}

/** What every raw-file extractor is given beside the bytes. */
export interface RawContext {
  /** SHA-256 (hex) of the upload: the Document's metadata names it. */
  readonly sha256: string;
  /** The name's extension ('.pptx', '' for none): a hint the content is checked against. */
  readonly extension: string;
  readonly options: ParseOptions;
  /** How deep inside e-mail attachments this file is: 0 for the upload itself. */
  readonly depth: number;
  /**
   * E-mail attachments extracted so far for this upload, one counter shared by every nested
   * extraction (set by the outermost e-mail): the count limit holds for the whole upload, so
   * messages nested in messages cannot multiply it.
   */
  readonly attachmentBudget?: { used: number };
}
