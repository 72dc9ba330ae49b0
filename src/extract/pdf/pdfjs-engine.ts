import { ExtractionError } from '../../errors/index.js';
import { CMAP_DIR, HeldCMapReaderFactory, HeldStandardFontDataFactory, STANDARD_FONT_DIR } from '../pdf-data-files.js';
import { watchStrayRejections, type StrayRejections } from '../stray-rejections.js';
import type { ExtractionWarning } from '../text-normalize.js';
import { MAX_OUTLINE_DEPTH, MAX_OUTLINE_ENTRIES, type PdfContent, type PdfEngine, type PdfInfo, type PdfLine, type PdfOutlineEntry } from './model.js';
import { pdfInfo } from './pdf-info.js';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PDFDocumentProxy = import('pdfjs-dist/types/src/display/api.js').PDFDocumentProxy;
type TextItem = import('pdfjs-dist/types/src/display/api.js').TextItem;

export const PDFJS_VERSION = '5.5.207';

/** Untyped on purpose (the package ships no types for it); only its module-cache entry matters. */
const PDFJS_WORKER_MODULE = 'pdfjs-dist/legacy/build/pdf.worker.mjs';
let pdfjs: Promise<PdfJs> | null = null;
/**
 * Imports pdf.js once (~90 ms), with its "fake worker" half (pdf.worker.mjs, ~80 ms, which pdf.js
 * imports on the first getDocument): the module cache then answers pdf.js's own import.
 */
export const loadPdfJs = () =>
  (pdfjs ??= Promise.all([import('pdfjs-dist/legacy/build/pdf.mjs'), import(PDFJS_WORKER_MODULE)]).then(([api]) => api));

/**
 * pdf.js (the fallback engine): text per page from getTextContent, never decoding images. Settings
 * per DEVELOPERS.md: no eval, no XFA, no font faces, CMaps and standard fonts from the package.
 * Every engine call is raced against stray rejections (src/extract/stray-rejections.ts): pdf.js
 * leaves some unsettled when its internals fail.
 */
export const pdfjsEngine: PdfEngine = {
  name: 'pdfjs',
  async read(bytes) {
    const { getDocument } = await loadPdfJs();
    const task = getDocument({
      // pdf.js takes ownership of (detaches) the buffer it is given.
      data: new Uint8Array(bytes),
      isEvalSupported: false,
      enableXfa: false,
      disableFontFace: true,
      useSystemFonts: false,
      cMapUrl: CMAP_DIR,
      cMapPacked: true,
      standardFontDataUrl: STANDARD_FONT_DIR,
      // The same package files, read once per worker instead of once per document.
      CMapReaderFactory: HeldCMapReaderFactory,
      StandardFontDataFactory: HeldStandardFontDataFactory,
      isOffscreenCanvasSupported: false,
      stopAtErrors: false,
      verbosity: 0,
    });
    const engine = watchStrayRejections();
    let doc: PDFDocumentProxy;
    try {
      doc = await engine.guard(task.promise);
    } catch (err) {
      engine.close();
      await task.destroy();
      const name = (err as { name?: string }).name;
      if (name === 'PasswordException') throw new ExtractionError('ENCRYPTED', 'the PDF is encrypted with a user password; upload it without one');
      throw new ExtractionError('CORRUPT', `the PDF cannot be read: ${(err as Error).message}`);
    }
    try {
      const pages = [];
      for (let n = 1; n <= doc.numPages; n++) {
        const page = await engine.guard(doc.getPage(n));
        const content = await engine.guard(page.getTextContent());
        pages.push({ lines: toLines(content.items.filter((i): i is TextItem => 'str' in i)) });
        page.cleanup();
      }
      const warnings: ExtractionWarning[] = [];
      const outline = await readOutline(doc, engine).catch((err: unknown) => {
        warnings.push({ code: 'OUTLINE_UNREADABLE', message: `the PDF's outline could not be read (${(err as Error).message}); sections follow the pages` });
        return [];
      });
      const { info } = (await engine.guard(doc.getMetadata()).catch(() => ({ info: {} }))) as { info: Record<string, unknown> };
      return { pages, outline, info: toInfo(info), engine: `pdfjs-dist@${PDFJS_VERSION}`, warnings } satisfies PdfContent;
    } catch (err) {
      // A stray rejection from inside the engine (a damaged stream, a stack overflow) that ended
      // this parse: the file cannot be read.
      if (err instanceof ExtractionError) throw err;
      throw new ExtractionError('CORRUPT', `the PDF cannot be read: ${(err as Error).message}`);
    } finally {
      await doc.destroy();
      engine.close();
    }
  },
};

function toInfo(info: Record<string, unknown>): PdfInfo {
  return pdfInfo((key) => (typeof info[key] === 'string' ? (info[key] as string) : undefined));
}

/**
 * Text items into lines: a line ends at hasEOL or when the next item leaves the baseline; a space
 * goes between items that are apart along it (pdf.js often splits words into positioned runs).
 * Measured along each item's own direction, so rotated and vertical text join too.
 */
export function toLines(items: readonly TextItem[]): PdfLine[] {
  const lines: PdfLine[] = [];
  let text = '';
  let geometry: { x: number; right: number; top: number; bottom: number; size: number } | null = null;
  const flush = () => {
    if (geometry && text.trim() !== '') lines.push({ text: text.trim(), ...geometry, bold: false });
    text = '';
    geometry = null;
  };
  let prev: TextItem | null = null;
  for (const item of items) {
    if (prev && !prev.hasEOL && text !== '') {
      const [dx, dy] = direction(prev);
      const size = Math.max(fontSize(prev), fontSize(item), 1);
      const ox = (item.transform[4] ?? 0) - (prev.transform[4] ?? 0);
      const oy = (item.transform[5] ?? 0) - (prev.transform[5] ?? 0);
      const across = Math.abs(ox * dy - oy * dx);
      if (across > size * 0.5) flush();
      else {
        const gap = ox * dx + oy * dy - prev.width;
        if (gap > size * 0.15 && !/\s$/.test(text) && !/^\s/.test(item.str)) text += ' ';
      }
    }
    if (item.str !== '') {
      const x = item.transform[4] ?? 0;
      const y = item.transform[5] ?? 0;
      const size = fontSize(item);
      geometry = geometry
        ? { x: Math.min(geometry.x, x), right: Math.max(geometry.right, x + item.width), top: Math.max(geometry.top, y + size), bottom: Math.min(geometry.bottom, y), size: Math.max(geometry.size, size) }
        : { x, right: x + item.width, top: y + size, bottom: y, size };
      text += item.str;
    }
    if (item.hasEOL) flush();
    prev = item;
  }
  flush();
  return lines;
}

/** Unit vector of the item's baseline (1, 0 for ordinary horizontal text). */
function direction(item: TextItem): [number, number] {
  const a = item.transform[0] ?? 1;
  const b = item.transform[1] ?? 0;
  const length = Math.hypot(a, b) || 1;
  return [a / length, b / length];
}

function fontSize(item: TextItem): number {
  return Math.hypot(item.transform[2] ?? 0, item.transform[3] ?? 0);
}

/**
 * The outline, its depth cut at MAX_OUTLINE_DEPTH. pdf.js builds the whole tree first and
 * overflows its stack on outlines nested thousands deep, leaving getOutline() unsettled: the
 * stray rejection ends the wait (the caller then does without the outline).
 */
async function readOutline(doc: PDFDocumentProxy, engine: StrayRejections): Promise<PdfOutlineEntry[]> {
  const raw = await engine.guard(doc.getOutline());
  if (!raw || raw.length === 0) return [];
  type RawItem = { title: string; dest: unknown; items: RawItem[] };
  let budget = MAX_OUTLINE_ENTRIES;
  const resolve = async (items: RawItem[], depth: number): Promise<PdfOutlineEntry[]> => {
    if (depth > MAX_OUTLINE_DEPTH) return [];
    const out: PdfOutlineEntry[] = [];
    for (const item of items) {
      if (budget-- <= 0) break;
      const { page, top } = await engine.guard(destination(doc, item.dest));
      out.push({ title: (item.title ?? '').trim(), page, top, children: await resolve(item.items ?? [], depth + 1) });
    }
    return out;
  };
  return resolve(raw as RawItem[], 0);
}

/** `[pageRef, {name}, …]`: XYZ carries top as its 4th element, FitH/FitBH as 3rd, FitR as 6th. */
async function destination(doc: PDFDocumentProxy, dest: unknown): Promise<{ page: number | null; top: number | null }> {
  try {
    const explicit = typeof dest === 'string' ? await doc.getDestination(dest) : dest;
    if (!Array.isArray(explicit) || explicit.length === 0) return { page: null, top: null };
    const ref = explicit[0];
    const page =
      typeof ref === 'number' ? ref : ref && typeof ref === 'object' ? await doc.getPageIndex(ref as { num: number; gen: number }) : null;
    const kind = (explicit[1] as { name?: string } | undefined)?.name;
    const at = kind === 'XYZ' ? 3 : kind === 'FitH' || kind === 'FitBH' ? 2 : kind === 'FitR' ? 5 : -1;
    const top = at >= 0 && typeof explicit[at] === 'number' ? (explicit[at] as number) : null;
    return { page, top };
  } catch {
    // an unresolvable destination: the entry inherits its predecessor's page
    return { page: null, top: null };
  }
}
