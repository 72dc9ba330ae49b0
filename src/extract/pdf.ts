import { ExtractionError } from '../errors/index.js';
import { CMAP_DIR, HeldCMapReaderFactory, HeldStandardFontDataFactory, STANDARD_FONT_DIR } from './pdf-data-files.js';
import { draftSection, hasText, pruneEmpty, type DraftDocument, type DraftSection } from './draft.js';
import { garbledWarning, normalizeText, type ExtractionWarning } from './text-normalize.js';
import { asBuffer } from './sniff.js';
import { cleanTitle } from './title.js';
import { watchStrayRejections, type StrayRejections } from './stray-rejections.js';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PDFDocumentProxy = import('pdfjs-dist/types/src/display/api.js').PDFDocumentProxy;
type TextItem = import('pdfjs-dist/types/src/display/api.js').TextItem;

export const PDFJS_VERSION = '5.5.207';

/** Untyped on purpose (the package ships no types for it); only its module-cache entry matters. */
const PDFJS_WORKER_MODULE = 'pdfjs-dist/legacy/build/pdf.worker.mjs';
let pdfjs: Promise<PdfJs> | null = null;
/**
 * Imports pdf.js once; extraction workers call it at start so that no request waits for it
 * (~90 ms). Its "fake worker" half (pdf.worker.mjs, ~80 ms, which pdf.js imports on the first
 * getDocument) comes too: the module cache then answers pdf.js's own import.
 */
export const loadPdfJs = () =>
  (pdfjs ??= Promise.all([import('pdfjs-dist/legacy/build/pdf.mjs'), import(PDFJS_WORKER_MODULE)]).then(([api]) => api));

/**
 * Text of a PDF with pdf.js, never decoding images (getTextContent only): one section per outline
 * entry, nested like the outline, or one per page. Settings per DEVELOPERS.md: no eval, no XFA, no
 * font faces, CMaps and standard fonts from the package (CJK needs them).
 */
export async function extractPdf(bytes: Uint8Array, sha256: string): Promise<DraftDocument> {
  const { getDocument, PDFDateString } = await loadPdfJs();
  // pdf.js takes ownership of (detaches) the buffer it is given: read what we need first.
  const encrypted = isEncrypted(bytes);
  const task = getDocument({
    data: bytes,
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
    const pages: string[] = [];
    let firstPageItems: TextItem[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await engine.guard(doc.getPage(n));
      const content = await engine.guard(page.getTextContent());
      const items = content.items.filter((i): i is TextItem => 'str' in i);
      if (n === 1) firstPageItems = items;
      pages.push(normalizeText(joinItems(items)));
      page.cleanup();
    }
    if (!pages.some((p) => p !== '')) {
      throw new ExtractionError('NO_TEXT', 'the PDF has no text layer; it looks scanned');
    }

    const warnings: ExtractionWarning[] = [];
    const outline = await readOutline(doc, engine).catch((err: unknown) => {
      warnings.push({ code: 'OUTLINE_UNREADABLE', message: `the PDF's outline could not be read (${(err as Error).message}); sections follow the pages` });
      return [];
    });
    const sections = pruneEmpty(outline.length > 0 ? outlineSections(outline, pages) : pageSections(pages));
    if (!hasText(sections)) throw new ExtractionError('NO_TEXT', 'the PDF has no text layer; it looks scanned');

    const { info } = (await engine.guard(doc.getMetadata()).catch(() => ({ info: {} }))) as { info: Record<string, unknown> };
    const str = (k: string) => (typeof info[k] === 'string' && (info[k] as string).trim() !== '' ? (info[k] as string).trim() : undefined);
    const date = (k: string) => {
      const d = str(k) && PDFDateString.toDateObject(str(k)!);
      return d && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
    };
    const title = cleanTitle(str('Title')) ?? cleanTitle(outline[0]?.title) ?? largestTextOnPage(firstPageItems) ?? '';

    const garbled = garbledWarning(pages);
    if (garbled) warnings.push(garbled);
    if (encrypted) {
      warnings.push({ code: 'OWNER_PASSWORD_IGNORED', message: 'the PDF is encrypted with an owner password only; it was read with the empty user password' });
    }
    return {
      title,
      metadata: dropUndefined({
        title: cleanTitle(str('Title')) ?? undefined,
        author: str('Author'),
        subject: str('Subject'),
        keywords: str('Keywords'),
        created: date('CreationDate'),
        modified: date('ModDate'),
        pages: doc.numPages,
        mime_type: 'application/pdf',
        sha256,
        extractor: `pdfjs-dist@${PDFJS_VERSION}`,
      }),
      sections,
      warnings,
    };
  } catch (err) {
    // A stray rejection from inside the engine (a damaged stream, a stack overflow) that ended
    // this parse: the file cannot be read.
    if (err instanceof ExtractionError) throw err;
    throw new ExtractionError('CORRUPT', `the PDF cannot be read: ${(err as Error).message}`);
  } finally {
    await doc.destroy();
    engine.close();
  }
}

/**
 * Joins text items into lines: a line ends at hasEOL or when the next item leaves the baseline;
 * a space goes between items that are apart along it (pdf.js often splits words into positioned
 * runs). Measured along each item's own direction, so rotated and vertical text join too.
 */
function joinItems(items: readonly TextItem[]): string {
  let out = '';
  let prev: TextItem | null = null;
  for (const item of items) {
    if (prev && !prev.hasEOL && out !== '' && !out.endsWith('\n')) {
      const [dx, dy] = direction(prev);
      const size = Math.max(fontSize(prev), fontSize(item), 1);
      const ox = (item.transform[4] ?? 0) - (prev.transform[4] ?? 0);
      const oy = (item.transform[5] ?? 0) - (prev.transform[5] ?? 0);
      const across = Math.abs(ox * dy - oy * dx);
      if (across > size * 0.5) out += '\n';
      else {
        const gap = ox * dx + oy * dy - prev.width;
        if (gap > size * 0.15 && !/\s$/.test(out) && !/^\s/.test(item.str)) out += ' ';
      }
    }
    out += item.str;
    if (item.hasEOL) out += '\n';
    prev = item;
  }
  return out;
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
 * The first page's largest-font text, when it stands out from the body text (≥ 1.25× the median
 * size): a PDF's visible title when it has no usable metadata or outline.
 */
function largestTextOnPage(items: readonly TextItem[]): string | null {
  const sized = items.filter((i) => i.str.trim() !== '').map((i) => ({ i, size: fontSize(i) }));
  const sizes = sized.map((s) => s.size).sort((a, b) => a - b);
  const max = sizes[sizes.length - 1] ?? 0;
  const median = sizes[Math.floor(sizes.length / 2)] ?? 0;
  if (max === 0 || max < median * 1.25) return null;
  const title = normalizeText(joinItems(sized.filter((s) => s.size >= max * 0.95).map((s) => s.i))).replace(/\s+/g, ' ');
  return title.length >= 3 && title.length <= 300 ? title : null;
}

interface OutlineEntry {
  title: string;
  /** 0-based page where the entry starts; null when its destination cannot be resolved. */
  page: number | null;
  children: OutlineEntry[];
}

/**
 * The outline, its depth capped at 32. pdf.js builds the whole tree first and overflows its stack
 * on outlines nested thousands deep, leaving getOutline() unsettled: the stray rejection ends the
 * wait (the caller then does without the outline).
 */
async function readOutline(doc: PDFDocumentProxy, engine: StrayRejections): Promise<OutlineEntry[]> {
  const raw = await engine.guard(doc.getOutline());
  if (!raw || raw.length === 0) return [];
  type RawItem = { title: string; dest: unknown; items: RawItem[] };
  const resolve = async (items: RawItem[], depth: number): Promise<OutlineEntry[]> => {
    if (depth > 32) return [];
    const out: OutlineEntry[] = [];
    for (const item of items) {
      const page = await engine.guard(destinationPage(doc, item.dest));
      out.push({ title: normalizeText(item.title ?? ''), page, children: await resolve(item.items ?? [], depth + 1) });
    }
    return out;
  };
  return resolve(raw as RawItem[], 0);
}

async function destinationPage(doc: PDFDocumentProxy, dest: unknown): Promise<number | null> {
  try {
    const explicit = typeof dest === 'string' ? await doc.getDestination(dest) : dest;
    if (!Array.isArray(explicit) || explicit.length === 0) return null;
    const ref = explicit[0];
    if (typeof ref === 'number') return ref;
    if (ref && typeof ref === 'object') return await doc.getPageIndex(ref as { num: number; gen: number });
  } catch {
    // an unresolvable destination: the entry inherits its predecessor's page
  }
  return null;
}

function pageMetadata(from: number, to: number): Record<string, unknown> {
  return from === to ? { page: from } : { pages: [from, to] };
}

function pageSections(pages: readonly string[]): DraftSection[] {
  return pages.map((text, i) => draftSection('', text, { page: i + 1 }));
}

/**
 * One section per outline entry, holding the pages from its start up to the page before the next
 * entry (in reading order) starts. Entries that start on the same page share it: duplicated text
 * is better than a heading without its text. Pages before the first entry form a leading
 * untitled section.
 */
function outlineSections(outline: OutlineEntry[], pages: readonly string[]): DraftSection[] {
  const flat: { entry: OutlineEntry; start: number }[] = [];
  let last = 0;
  const walk = (entries: OutlineEntry[]) => {
    for (const entry of entries) {
      const start = entry.page !== null && entry.page >= 0 && entry.page < pages.length ? entry.page : last;
      last = start;
      flat.push({ entry, start });
      walk(entry.children);
    }
  };
  walk(outline);
  const ranges = new Map<OutlineEntry, [number, number]>();
  flat.forEach(({ entry, start }, i) => {
    const next = flat[i + 1]?.start ?? pages.length;
    ranges.set(entry, [start, Math.max(start, next - 1)]);
  });
  const build = (entries: OutlineEntry[]): DraftSection[] =>
    entries.map((entry) => {
      const [from, to] = ranges.get(entry)!;
      const section = draftSection(entry.title, pages.slice(from, to + 1).filter(Boolean).join('\n\n'), pageMetadata(from + 1, to + 1));
      section.children = build(entry.children);
      return section;
    });
  const sections = build(outline);
  const firstStart = flat[0]?.start ?? 0;
  if (firstStart > 0) sections.unshift(draftSection('', pages.slice(0, firstStart).filter(Boolean).join('\n\n'), pageMetadata(1, firstStart)));
  return sections;
}

/** An /Encrypt entry in a trailer: the file is encrypted (we only get here without a user password). */
function isEncrypted(bytes: Uint8Array): boolean {
  return asBuffer(bytes).includes('/Encrypt');
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
