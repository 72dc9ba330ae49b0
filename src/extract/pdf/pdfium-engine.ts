import fs from 'node:fs';
import { createRequire } from 'node:module';
import { init } from '@embedpdf/pdfium';
import { ExtractionError } from '../../errors/index.js';
import { collectGarbageNow } from '../memory-guard.js';
import type { PdfContent, PdfLine, PdfPage } from './model.js';
import { Heap, heaps, type Pdfium } from './pdfium-heap.js';
import { readInfo, readOutline } from './pdfium-outline.js';

export const PDFIUM_VERSION = '2.15.1';
const require = createRequire(import.meta.url);

/** FPDF_GetLastError codes (fpdfview.h). */
const FPDF_ERR_PASSWORD = 4;
/** A char whose font is at least this heavy counts as bold (CSS weights: 400 normal, 700 bold). */
const BOLD_WEIGHT = 600;
/**
 * Characters sampled per page for FPDFText_HasUnicodeMapError (a call per character would cost
 * ~1 µs each: 0.7 s on the 352-page book for a share that a sample estimates well).
 */
const UNICODE_SAMPLE_PER_PAGE = 200;
/**
 * A module whose linear memory grew past this is dropped after the parse (WASM memory never
 * shrinks): the next parse starts a fresh one (~60 ms) instead of the worker keeping the peak.
 * Every PDF of the shared corpus, the 352-page book included, runs in 18 MB.
 */
const RECYCLE_AFTER_BYTES = 64 * 1024 * 1024;

/**
 * The per-character and per-line calls, taken straight from the WASM exports: the package's
 * wrappers go through Emscripten's ccall, which looks the function up by name on every call
 * (getCFunc was 5 % of a 2,679-page parse). All their arguments and results are numbers.
 */
interface HotCalls {
  FPDFText_GetCharBox(textPage: number, index: number, left: number, right: number, bottom: number, top: number): number;
  FPDFText_GetFontSize(textPage: number, index: number): number;
  FPDFText_GetFontWeight(textPage: number, index: number): number;
  FPDFText_GetMatrix(textPage: number, index: number, matrix: number): number;
  FPDFText_IsGenerated(textPage: number, index: number): number;
  FPDFText_HasUnicodeMapError(textPage: number, index: number): number;
}
const hot = (pdfium: Pdfium): HotCalls => pdfium.pdfium.wasmExports as unknown as HotCalls;
let loading: Promise<Pdfium> | null = null;

/**
 * PDFium, instantiated once per worker from the package's own .wasm file (never the package's
 * default CDN URL: nothing is fetched at run time).
 */
export function loadPdfium(): Promise<Pdfium> {
  loading ??= (async () => {
    const wasmBinary = fs.readFileSync(require.resolve('@embedpdf/pdfium/pdfium.wasm'));
    const module = await init({
      wasmBinary: wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength),
      // Emscripten writes to stderr when a memory growth is refused (EXTRACT_MAX_BUFFER_MB): the
      // parse's answer says so already.
      print: () => {},
      printErr: () => {},
    });
    module.PDFiumExt_Init();
    return module;
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/** PDFium's share of sampled characters whose glyphs have no usable Unicode mapping. */
export interface PdfiumContent extends PdfContent {
  readonly unicodeMapErrorShare: number;
}

export const pdfiumEngine: { readonly name: 'pdfium'; read(bytes: Uint8Array): Promise<PdfiumContent> } = {
  name: 'pdfium',
  async read(bytes) {
    const pdfium = await loadPdfium();
    let drop = false;
    try {
      return readWith(pdfium, bytes);
    } catch (err) {
      // An abort inside the WASM (e.g. out of memory under EXTRACT_MAX_BUFFER_MB) leaves the
      // module unusable: the next parse instantiates a new one.
      if (!(err instanceof ExtractionError)) drop = true;
      throw err;
    } finally {
      if (drop || heaps(pdfium).HEAPU8.byteLength > RECYCLE_AFTER_BYTES) {
        loading = null;
        // Its memory goes back now, not at some later collection (the next module is 18 MB more).
        setImmediate(collectGarbageNow);
      }
    }
  },
};

function readWith(pdfium: Pdfium, bytes: Uint8Array): PdfiumContent {
  const heap = new Heap(pdfium);
  try {
    const data = heap.copyIn(bytes);
    const doc = pdfium.FPDF_LoadMemDocument(data, bytes.length, '');
    if (!doc) {
      if (pdfium.FPDF_GetLastError() === FPDF_ERR_PASSWORD) {
        throw new ExtractionError('ENCRYPTED', 'the PDF is encrypted with a user password; upload it without one');
      }
      throw new ExtractionError('CORRUPT', `the PDF cannot be read (PDFium error ${pdfium.FPDF_GetLastError()})`);
    }
    try {
      const count = pdfium.FPDF_GetPageCount(doc);
      if (count <= 0) throw new ExtractionError('CORRUPT', 'the PDF has no pages that can be read');
      const pages: PdfPage[] = [];
      const sample = { chars: 0, errors: 0 };
      for (let i = 0; i < count; i++) pages.push(readPage(pdfium, heap, doc, i, sample));
      return {
        pages,
        outline: readOutline(pdfium, heap, doc),
        info: readInfo(pdfium, heap, doc),
        engine: `@embedpdf/pdfium@${PDFIUM_VERSION}`,
        warnings: [],
        unicodeMapErrorShare: sample.chars === 0 ? 0 : sample.errors / sample.chars,
      };
    } finally {
      pdfium.FPDF_CloseDocument(doc);
    }
  } finally {
    heap.freeAll();
  }
}

/**
 * A page's text with PDFium's own line breaks (it inserts "\r\n" where a line ends), each line
 * measured by its first and last characters: four calls a line rather than four a character.
 */
function readPage(pdfium: Pdfium, heap: Heap, doc: number, index: number, sample: { chars: number; errors: number }): PdfPage {
  const page = pdfium.FPDF_LoadPage(doc, index);
  if (!page) return { lines: [] };
  const textPage = pdfium.FPDFText_LoadPage(page);
  try {
    if (!textPage) return { lines: [] };
    const count = pdfium.FPDFText_CountChars(textPage);
    if (count <= 0) return { lines: [] };
    const buffer = heap.alloc((count + 1) * 2);
    const written = pdfium.FPDFText_GetText(textPage, 0, count, buffer);
    const text = written > 0 ? pdfium.pdfium.UTF16ToString(buffer) : '';
    const stride = Math.max(1, Math.floor(count / UNICODE_SAMPLE_PER_PAGE));
    const calls = hot(pdfium);
    for (let c = 0; c < count; c += stride) {
      if (calls.FPDFText_IsGenerated(textPage, c)) continue;
      sample.chars++;
      if (calls.FPDFText_HasUnicodeMapError(textPage, c) === 1) sample.errors++;
    }
    // Text drawn outside the visible page (crop box ∩ media box) is not on the page: pdf.js and
    // poppler leave it out too (pypdf__imagemagick-images.pdf draws "Background" above its box).
    const bounds = heap.alloc(16);
    const visible = pdfium.FPDF_GetPageBoundingBox(page, bounds)
      ? { left: heaps(pdfium).HEAPF32[bounds / 4]!, top: heaps(pdfium).HEAPF32[bounds / 4 + 1]!, right: heaps(pdfium).HEAPF32[bounds / 4 + 2]!, bottom: heaps(pdfium).HEAPF32[bounds / 4 + 3]! }
      : null;
    const lines = splitLines(pdfium, heap, textPage, text);
    if (!visible) return { lines };
    return { lines: lines.filter((l) => l.right >= visible.left && l.x <= visible.right && l.top >= visible.bottom && l.bottom <= visible.top) };
  } finally {
    if (textPage) pdfium.FPDFText_ClosePage(textPage);
    pdfium.FPDF_ClosePage(page);
  }
}

/**
 * Measures a line of a text page from its first and last characters (indices into PDFium's
 * characters): its box, its size, whether it is bold.
 */
function lineMeasurer(pdfium: Pdfium, heap: Heap, textPage: number): (text: string, first: number, last: number) => PdfLine {
  const calls = hot(pdfium);
  const box = heap.alloc(32);
  const measure = (char: number) => {
    calls.FPDFText_GetCharBox(textPage, char, box, box + 8, box + 16, box + 24);
    return { left: heap.f64(box), right: heap.f64(box + 8), bottom: heap.f64(box + 16), top: heap.f64(box + 24) };
  };
  // FPDFText_GetFontSize is the size in text space (the Tf operand); a page that sets "1 Tf" and
  // scales with the text matrix (pdfjs__freeculture.pdf) would report 1 pt everywhere. The
  // character's matrix gives the scale that applies.
  const matrix = heap.alloc(24);
  const effectiveSize = (char: number) => {
    const size = calls.FPDFText_GetFontSize(textPage, char);
    if (!calls.FPDFText_GetMatrix(textPage, char, matrix)) return size;
    const f32 = heaps(pdfium).HEAPF32;
    const scale = Math.hypot(f32[matrix / 4 + 2]!, f32[matrix / 4 + 3]!);
    return scale > 0 ? size * scale : size;
  };
  return (text, first, last) => {
    const a = measure(first);
    const b = measure(last);
    return {
      text,
      x: Math.min(a.left, b.left),
      right: Math.max(a.right, b.right),
      top: Math.max(a.top, b.top),
      bottom: Math.min(a.bottom, b.bottom),
      size: effectiveSize(first),
      // Bold from both ends: a paragraph that starts with a bold run-in ("Guards. Each …") is
      // not a bold line.
      bold: calls.FPDFText_GetFontWeight(textPage, first) >= BOLD_WEIGHT && calls.FPDFText_GetFontWeight(textPage, last) >= BOLD_WEIGHT,
    };
  };
}

function splitLines(pdfium: Pdfium, heap: Heap, textPage: number, text: string): PdfLine[] {
  const measureLine = lineMeasurer(pdfium, heap, textPage);
  const lines: PdfLine[] = [];
  // PDFium's character indices count UTF-16 code units (a character outside the BMP, such as the
  // math italic 𝑉, is two), so an index into the text is an index into PDFium's characters.
  let lineStart = 0;
  let lineText = '';
  const flush = (end: number) => {
    const first = lineStart + (lineText.length - lineText.trimStart().length);
    const trimmed = lineText.trim();
    if (trimmed !== '') {
      const last = Math.max(first, end - 1 - (lineText.length - lineText.trimEnd().length));
      lines.push(measureLine(trimmed, first, last));
    }
    lineText = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0d || c === 0x0a) {
      flush(i);
      if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
      lineStart = i + 1;
    } else if (c === 0xfffe) {
      // PDFium joins a word hyphenated at a line end into one line and marks the hyphen U+FFFE:
      // the printed lines are split again (each with its own box), the hyphen kept for the layout.
      lineText += '-';
      flush(i + 1);
      lineStart = i + 1;
    } else {
      lineText += text[i];
    }
  }
  flush(text.length);
  return lines;
}
