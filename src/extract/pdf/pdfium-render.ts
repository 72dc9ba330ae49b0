import sharp from 'sharp';
import { ExtractionError } from '../../errors/index.js';
import { pixelCapError } from '../ocr/image.js';
import { loadPdfium } from './pdfium-engine.js';
import { Heap, heaps, type Pdfium } from './pdfium-heap.js';

/** FPDF_RenderPageBitmap flags (fpdfview.h): annotations drawn, as printed. */
const FPDF_ANNOT = 0x01;
const FPDF_PRINTING = 0x800;
const WHITE = 0xffffffff;

export interface RenderedPage {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
}

/**
 * Renders the given pages (0-based) of a PDF with PDFium at `dpi`, one at a time, each to a
 * greyscale PNG handed to `onPage` before the next is rendered. A page whose bitmap would pass
 * `maxPixels` is refused before anything is allocated (EXTRACTION_RESOURCE_LIMIT). The BGRA
 * bitmap lives in PDFium's WASM memory (under EXTRACT_MAX_BUFFER_MB, like every PDFium
 * allocation); sharp reads it there through a view, without a copy in JS.
 */
export async function renderPages(
  bytes: Uint8Array,
  pages: readonly number[],
  dpi: number,
  maxPixels: number,
  onPage: (page: number, rendered: RenderedPage) => Promise<void>,
): Promise<void> {
  const pdfium = await loadPdfium();
  const heap = new Heap(pdfium);
  try {
    const data = heap.copyIn(bytes);
    const doc = pdfium.FPDF_LoadMemDocument(data, bytes.length, '');
    if (!doc) throw new ExtractionError('CORRUPT', `the PDF cannot be rendered for OCR (PDFium error ${pdfium.FPDF_GetLastError()})`);
    try {
      for (const index of pages) {
        const rendered = await renderPage(pdfium, doc, index, dpi, maxPixels);
        if (rendered) await onPage(index, rendered);
      }
    } finally {
      pdfium.FPDF_CloseDocument(doc);
    }
  } finally {
    heap.freeAll();
  }
}

/** FPDFPageObj_GetType: an image, and a form XObject (which may wrap one). */
const FPDF_PAGEOBJ_IMAGE = 3;
const FPDF_PAGEOBJ_FORM = 5;

/**
 * A page without a text layer is worth recognising only when it draws an image (a scan, a photo
 * of text) or a form that may hold one. A blank page or one of lines and shapes is not rendered:
 * the blank pages between chapters of a text book (pdfjs__freeculture.pdf) cost 1.7 s of OCR.
 */
function mayHoldPrintedText(pdfium: Pdfium, page: number): boolean {
  const count = pdfium.FPDFPage_CountObjects(page);
  for (let i = 0; i < count; i++) {
    const type = pdfium.FPDFPageObj_GetType(pdfium.FPDFPage_GetObject(page, i));
    if (type === FPDF_PAGEOBJ_IMAGE || type === FPDF_PAGEOBJ_FORM) return true;
  }
  return false;
}

async function renderPage(pdfium: Pdfium, doc: number, index: number, dpi: number, maxPixels: number): Promise<RenderedPage | null> {
  const page = pdfium.FPDF_LoadPage(doc, index);
  if (!page) return null;
  try {
    if (!mayHoldPrintedText(pdfium, page)) return null;
    const width = Math.max(1, Math.round((pdfium.FPDF_GetPageWidthF(page) * dpi) / 72));
    const height = Math.max(1, Math.round((pdfium.FPDF_GetPageHeightF(page) * dpi) / 72));
    if (!Number.isFinite(width * height) || width * height > maxPixels) throw pixelCapError(`page ${index + 1} rendered at ${dpi} dpi`, width, height, maxPixels);
    const bitmap = pdfium.FPDFBitmap_Create(width, height, 0);
    if (!bitmap) throw new ExtractionError('EXTRACTION_RESOURCE_LIMIT', `PDFium ran out of memory rendering page ${index + 1} for OCR`);
    try {
      pdfium.FPDFBitmap_FillRect(bitmap, 0, 0, width, height, WHITE);
      pdfium.FPDF_RenderPageBitmap(bitmap, page, 0, 0, width, height, 0, FPDF_ANNOT | FPDF_PRINTING);
      const stride = pdfium.FPDFBitmap_GetStride(bitmap);
      const pointer = pdfium.FPDFBitmap_GetBuffer(bitmap);
      const memory = heaps(pdfium).HEAPU8;
      // A view of the WASM memory: nothing in PDFium runs until sharp has read it.
      const pixels = Buffer.from(memory.buffer, memory.byteOffset + pointer, stride * height);
      // BGRA read as RGBA: blue and red swap places, which greyscale text does not mind.
      const png = await sharp(pixels, { raw: { width: stride / 4, height, channels: 4 } })
        .greyscale()
        .png({ compressionLevel: 1 })
        .toBuffer();
      return { png, width, height };
    } finally {
      pdfium.FPDFBitmap_Destroy(bitmap);
    }
  } finally {
    pdfium.FPDF_ClosePage(page);
  }
}
