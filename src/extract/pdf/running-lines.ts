import type { PdfLine } from './model.js';

/** Lines looked at for running headers and footers: this many at each end of a page. */
const EDGE_LINES = 3;
const MIN_PAGES = 4;
const MIN_SHARE = 0.3;

const key = (text: string) => text.replace(/\d+/g, '#').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Running headers and footers dropped: a line at the top or bottom of a page that recurs (digits
 * aside: page numbers) on at least 30 % of the pages of a document with 4 or more pages. They are
 * the same words on every page, which a search index would otherwise count again and again. The
 * first occurrence stays (a running title is still the document's text, once); bare page numbers
 * go everywhere.
 */
export function dropRunningLines(pages: readonly (readonly PdfLine[])[]): { pages: PdfLine[][]; dropped: number } {
  if (pages.length < MIN_PAGES) return { pages: pages.map((p) => [...p]), dropped: 0 };
  // A page of a few lines is all edges: its lines are its text (a slide, a generated page), not
  // headers and footers, so such pages are left alone.
  const edges = (lines: readonly PdfLine[]) =>
    lines.length <= 2 * EDGE_LINES ? [] : [...Array(EDGE_LINES).keys(), ...Array.from({ length: EDGE_LINES }, (_, i) => lines.length - EDGE_LINES + i)];
  const pagesWith = new Map<string, number>();
  for (const lines of pages) {
    const seen = new Set(edges(lines).map((i) => key(lines[i]!.text)));
    for (const k of seen) if (k !== '' && k !== '#') pagesWith.set(k, (pagesWith.get(k) ?? 0) + 1);
  }
  const threshold = Math.max(2, Math.ceil(pages.length * MIN_SHARE));
  const running = new Set([...pagesWith].filter(([, n]) => n >= threshold).map(([k]) => k));
  // A page number alone ("12", "- 12 -") is running text too when most pages have one.
  let dropped = 0;
  const kept = new Set<string>();
  const out = pages.map((lines) => {
    const edge = new Set(edges(lines));
    return lines.filter((line, i) => {
      if (!edge.has(i)) return true;
      const k = key(line.text);
      const pageNumber = /^[#\s\-–—|.]*$/.test(k) && /\d/.test(line.text);
      if (!pageNumber && (!running.has(k) || !kept.has(k))) {
        kept.add(k);
        return true;
      }
      dropped++;
      return false;
    });
  });
  return { pages: out, dropped };
}
