import { MAX_OUTLINE_DEPTH, MAX_OUTLINE_ENTRIES, type PdfInfo, type PdfOutlineEntry } from './model.js';
import { pdfInfo } from './pdf-info.js';
import { heaps, type Heap, type Pdfium } from './pdfium-heap.js';

/** UTF-16LE text of a PDFium getter that answers the byte length it needs (terminator included). */
function readUtf16(pdfium: Pdfium, heap: Heap, get: (buffer: number, length: number) => number): string {
  const needed = get(0, 0);
  if (needed <= 2) return '';
  const buffer = heap.alloc(needed);
  get(buffer, needed);
  return pdfium.pdfium.UTF16ToString(buffer);
}

/**
 * The bookmark tree, walked without recursion: depth cut at MAX_OUTLINE_DEPTH, at most
 * MAX_OUTLINE_ENTRIES entries, and every bookmark visited once (outlines may form cycles).
 */
export function readOutline(pdfium: Pdfium, heap: Heap, doc: number): PdfOutlineEntry[] {
  type Mutable = { title: string; page: number | null; top: number | null; children: Mutable[] };
  const root: Mutable[] = [];
  const seen = new Set<number>();
  const location = heap.alloc(24);
  const stack: { handle: number; into: Mutable[]; depth: number }[] = [];
  const first = pdfium.FPDFBookmark_GetFirstChild(doc, 0);
  if (first) stack.push({ handle: first, into: root, depth: 0 });
  while (stack.length > 0 && seen.size < MAX_OUTLINE_ENTRIES) {
    const { handle, into, depth } = stack.pop()!;
    if (seen.has(handle)) continue;
    seen.add(handle);
    const entry: Mutable = { title: readUtf16(pdfium, heap, (b, l) => pdfium.FPDFBookmark_GetTitle(handle, b, l)).trim(), page: null, top: null, children: [] };
    let dest = pdfium.FPDFBookmark_GetDest(doc, handle);
    if (!dest) {
      const action = pdfium.FPDFBookmark_GetAction(handle);
      if (action) dest = pdfium.FPDFAction_GetDest(doc, action);
    }
    if (dest) {
      const page = pdfium.FPDFDest_GetDestPageIndex(doc, dest);
      entry.page = page >= 0 ? page : null;
      if (pdfium.FPDFDest_GetLocationInPage(dest, location, location + 4, location + 8, location + 12, location + 16, location + 20)) {
        const hasY = heaps(pdfium).HEAP32[(location + 4) / 4] !== 0;
        if (hasY) entry.top = heaps(pdfium).HEAPF32[(location + 16) / 4]!;
      }
    }
    into.push(entry);
    // Siblings after this entry, then its children first (pushed last, popped first): document order.
    const next = pdfium.FPDFBookmark_GetNextSibling(doc, handle);
    if (next) stack.push({ handle: next, into, depth });
    const child = depth + 1 <= MAX_OUTLINE_DEPTH ? pdfium.FPDFBookmark_GetFirstChild(doc, handle) : 0;
    if (child) stack.push({ handle: child, into: entry.children, depth: depth + 1 });
  }
  return root;
}

export function readInfo(pdfium: Pdfium, heap: Heap, doc: number): PdfInfo {
  return pdfInfo((tag) => readUtf16(pdfium, heap, (b, l) => pdfium.FPDF_GetMetaText(doc, tag, b, l)));
}
