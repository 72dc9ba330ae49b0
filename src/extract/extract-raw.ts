import { UnsupportedTypeError } from '../errors/index.js';
import type { DraftDocument } from './draft.js';
import { detectFormat, type RawFormatName } from './formats.js';
import { extractImage } from './ocr/image.js';
import { OCR_OFF } from './ocr/options.js';
import { extractOle2File } from './ole2-formats.js';
import type { RawContext } from './parse-options.js';
import { extractPdf } from './pdf/extract-pdf.js';
import { SUPPORTED_TYPES } from './sniff.js';
import { extractText } from './text.js';
import { extractZipFile } from './zip-formats.js';

/** An extractor's result and the type the content turned out to be (pdf, docx, pptx, html…). */
export interface RawResult {
  readonly type: string;
  readonly draft: DraftDocument;
}

/**
 * A raw file by the format detectFormat found. Extractors other than pdf and text are loaded on
 * first use: a worker that never sees an e-mail never loads the mail parser.
 */
export async function extractRaw(name: RawFormatName, bytes: Uint8Array, context: RawContext): Promise<RawResult> {
  switch (name) {
    case 'pdf':
      return { type: 'pdf', draft: await extractPdf(bytes, context.sha256, context.options.pdfEngine, context.options.ocr ?? OCR_OFF) };
    case 'zip':
      return extractZipFile(bytes, context);
    case 'ole2':
      return extractOle2File(bytes, context);
    case 'text':
      return { type: 'text', draft: extractText(bytes) };
    case 'html':
      return { type: 'html', draft: await (await import('./html/extract-html.js')).extractHtml(bytes, context) };
    case 'markdown':
      return { type: 'markdown', draft: await (await import('./markdown/extract-markdown.js')).extractMarkdown(bytes, context) };
    case 'rtf':
      return { type: 'rtf', draft: await (await import('./rtf/extract-rtf.js')).extractRtf(bytes, context) };
    case 'email':
      return { type: 'email', draft: await (await import('./email/extract-email.js')).extractEmail(bytes, context) };
  }
}

/**
 * A file found inside another (an e-mail's attachment): detected by its name and bytes like an
 * upload, and extracted one level deeper. Document files (.pb, .json) are not read there.
 */
export async function extractNested(filename: string, bytes: Uint8Array, parent: RawContext): Promise<RawResult> {
  const format = detectFormat(filename, bytes);
  const context: RawContext = { ...parent, depth: parent.depth + 1, extension: format.idFrom === 'filename' && 'extension' in format ? format.extension : '' };
  if (format.name === 'image') return { type: 'image', draft: await extractImage(bytes, format.kind, parent.sha256, parent.options.ocr ?? OCR_OFF) };
  if (format.idFrom === 'document') {
    throw new UnsupportedTypeError(`a Document file (${format.name}) is not read inside another file`, SUPPORTED_TYPES, format.name);
  }
  return extractRaw(format.name, bytes, context);
}
