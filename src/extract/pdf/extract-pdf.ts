import { ExtractionError } from '../../errors/index.js';
import { hasText, type DraftDocument, type DraftSection } from '../draft.js';
import { memoryLimitHit } from '../memory-guard.js';
import { asBuffer } from '../sniff.js';
import { garbledWarning, type ExtractionWarning } from '../text-normalize.js';
import { cleanTitle } from '../title.js';
import { layOut } from './layout.js';
import { pageText } from '../ocr/image.js';
import { OCR_DPI, OCR_OFF, startOcr, type OcrOptions } from '../ocr/options.js';
import { recognize, TESSERACT_EXTRACTOR } from '../ocr/tesseract.js';
import type { PdfContent, PdfLine, PdfPage } from './model.js';
import { renderPages } from './pdfium-render.js';
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
export async function extractPdf(bytes: Uint8Array, sha256: string, choice: PdfEngineChoice = 'auto', ocr: OcrOptions = OCR_OFF): Promise<DraftDocument> {
  const encrypted = asBuffer(bytes).includes('/Encrypt');
  const read = await readPdf(bytes, choice);
  const ocrWarnings: ExtractionWarning[] = [];
  const { content, confidence } = ocr.enabled ? await recognizeTextlessPages(bytes, read, ocr, ocrWarnings) : { content: read, confidence: new Map<number, number>() };
  const { title, sections, pageTexts, warnings: layoutWarnings } = layOut(content);
  if (!hasText(sections)) {
    throw new ExtractionError('NO_TEXT', ocr.enabled ? 'the PDF has no text layer, and OCR found no text on its pages' : 'the PDF has no text layer; it looks scanned');
  }
  if (confidence.size > 0) markOcrSections(sections, confidence);

  const warnings: ExtractionWarning[] = [...content.warnings, ...ocrWarnings, ...layoutWarnings];
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
      extractor: confidence.size > 0 ? `${content.engine}+${TESSERACT_EXTRACTOR}` : content.engine,
      ocr_pages: confidence.size > 0 ? confidence.size : undefined,
    }),
    sections,
    warnings,
  };
}

/**
 * OCR of the pages without a text layer (OCR=auto): each is rendered by PDFium at 300 dpi and
 * recognised; its lines join the model as if the PDF had drawn them (positions converted to
 * points), so the layout treats scanned and born-digital pages alike. Returns the pages' mean
 * confidences (0-based page → 0-100) for those with text.
 */
async function recognizeTextlessPages(
  bytes: Uint8Array,
  content: PdfContent,
  ocr: OcrOptions,
  warnings: ExtractionWarning[],
): Promise<{ content: PdfContent; confidence: Map<number, number> }> {
  const confidence = new Map<number, number>();
  const textless = content.pages.flatMap((p, i) => (p.lines.length === 0 ? [i] : []));
  if (textless.length === 0) return { content, confidence };
  const chosen = textless.slice(0, ocr.maxPages);
  if (textless.length > chosen.length) {
    warnings.push({ code: 'CONTENT_SKIPPED', message: `${textless.length - chosen.length} page(s) without text past OCR_MAX_PAGES (${ocr.maxPages}) were not recognised` });
  }
  const pages: PdfPage[] = [...content.pages];
  const deadline = startOcr(ocr);
  await renderPages(bytes, chosen, OCR_DPI, ocr.maxPixels, async (index, rendered) => {
    const result = await recognize(rendered.png, deadline);
    if (pageText(result) === null) return;
    const scale = 72 / OCR_DPI;
    const heightPt = result.height * scale;
    const lines: PdfLine[] = result.lines.map((l) => ({
      text: l.text,
      x: l.x0 * scale,
      right: l.x1 * scale,
      top: heightPt - l.y0 * scale,
      bottom: heightPt - l.y1 * scale,
      size: (l.y1 - l.y0) * scale,
      bold: false,
    }));
    pages[index] = { lines };
    confidence.set(index, result.confidence);
  });
  return { content: { ...content, pages }, confidence };
}

/** `ocr: true` and `ocr_confidence` on every section whose text comes from a recognised page. */
function markOcrSections(sections: readonly DraftSection[], confidence: ReadonlyMap<number, number>): void {
  for (const section of sections) {
    const first = typeof section.metadata['page'] === 'number' ? section.metadata['page'] : Array.isArray(section.metadata['pages']) ? Number(section.metadata['pages'][0]) : NaN;
    const last = Array.isArray(section.metadata['pages']) ? Number(section.metadata['pages'][1]) : first;
    const recognised: number[] = [];
    for (let page = first; page <= last; page++) {
      const c = confidence.get(page - 1);
      if (c !== undefined) recognised.push(c);
    }
    if (recognised.length > 0 && section.text.trim() !== '') {
      section.metadata['ocr'] = true;
      section.metadata['ocr_confidence'] = Math.round(recognised.reduce((a, b) => a + b, 0) / recognised.length);
    }
    markOcrSections(section.children, confidence);
  }
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
