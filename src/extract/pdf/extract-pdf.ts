import { ExtractionError } from '../../errors/index.js';
import { hasText, type DraftDocument } from '../draft.js';
import { memoryLimitHit } from '../memory-guard.js';
import { asBuffer } from '../sniff.js';
import { garbledWarning, type ExtractionWarning } from '../text-normalize.js';
import { cleanTitle } from '../title.js';
import { layOut } from './layout.js';
import type { PdfContent } from './model.js';
import { pdfiumEngine, type PdfiumContent } from './pdfium-engine.js';
import { pdfjsEngine } from './pdfjs-engine.js';

/** `PDF_ENGINE`: auto = PDFium, falling back to pdf.js; pdfium or pdfjs = that engine only. */
export type PdfEngineChoice = 'auto' | 'pdfium' | 'pdfjs';

/**
 * A share of sampled characters above this whose font maps to no Unicode makes PDFium's text
 * mojibake (pdfjs__issue20232.pdf: 144 of 235): pdf.js recovers such text, so it reads the file.
 */
export const UNICODE_MAP_ERROR_FALLBACK = 0.3;

/** The engine(s) a PDF is read with: PDFium first; pdf.js where PDFium fails or garbles. */
async function readPdf(bytes: Uint8Array, choice: PdfEngineChoice): Promise<PdfContent> {
  if (choice === 'pdfjs') return pdfjsEngine.read(bytes);
  if (choice === 'pdfium') return pdfiumEngine.read(bytes);
  let content: PdfiumContent;
  try {
    content = await pdfiumEngine.read(bytes);
  } catch (err) {
    // A password stays a password, and a file past the memory cap would pass it again; anything
    // else PDFium cannot read, pdf.js may (it repairs more).
    if (memoryLimitHit() || (err instanceof ExtractionError && (err.code === 'ENCRYPTED' || err.code === 'EXTRACTION_RESOURCE_LIMIT'))) throw err;
    return pdfjsEngine.read(bytes);
  }
  if (content.unicodeMapErrorShare > UNICODE_MAP_ERROR_FALLBACK || !content.pages.some((p) => p.lines.length > 0)) {
    return pdfjsEngine.read(bytes);
  }
  return content;
}

/**
 * A PDF as a draft Document: the engine reads it into positioned lines, the layout turns those
 * into sections (src/extract/pdf/layout.ts).
 */
export async function extractPdf(bytes: Uint8Array, sha256: string, choice: PdfEngineChoice = 'auto'): Promise<DraftDocument> {
  const encrypted = asBuffer(bytes).includes('/Encrypt');
  const content = await readPdf(bytes, choice);
  const { title, sections, pageTexts, warnings: layoutWarnings } = layOut(content);
  if (!hasText(sections)) throw new ExtractionError('NO_TEXT', 'the PDF has no text layer; it looks scanned');

  const warnings: ExtractionWarning[] = [...content.warnings, ...layoutWarnings];
  const garbled = garbledWarning(pageTexts);
  if (garbled) warnings.push(garbled);
  if (encrypted) {
    warnings.push({ code: 'OWNER_PASSWORD_IGNORED', message: 'the PDF is encrypted with an owner password only; it was read with the empty user password' });
  }
  const { info } = content;
  return {
    title,
    metadata: dropUndefined({
      title: cleanTitle(info.title) ?? undefined,
      author: info.author,
      subject: info.subject,
      keywords: info.keywords,
      created: info.created,
      modified: info.modified,
      pages: content.pages.length,
      mime_type: 'application/pdf',
      sha256,
      extractor: content.engine,
    }),
    sections,
    warnings,
  };
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
