import { draftSection, pruneEmpty, type DraftSection } from '../draft.js';
import { normalizeText } from '../text-normalize.js';
import { cleanTitle } from '../title.js';
import type { PdfContent, PdfLine, PdfOutlineEntry, PdfPage } from './model.js';

/**
 * Sections and title from the engine-neutral model (src/extract/pdf/model.ts): layout code never
 * sees an engine, so both engines — and synthetic pages in tests — go through the same rules.
 */
export interface PdfLayout {
  readonly title: string;
  readonly sections: DraftSection[];
  /** Each page's text, normalised (empty for a page without text). */
  readonly pageTexts: readonly string[];
}

export function layOut(content: PdfContent): PdfLayout {
  const pageTexts = content.pages.map(pageText);
  const sections = pruneEmpty(content.outline.length > 0 ? outlineSections(content.outline, pageTexts) : pageSections(pageTexts));
  const title =
    cleanTitle(content.info.title) ?? cleanTitle(content.outline[0]?.title) ?? largestTextOnPage(content.pages[0]?.lines ?? []) ?? '';
  return { title, sections, pageTexts };
}

function pageText(page: PdfPage): string {
  return normalizeText(page.lines.map((l) => l.text).join('\n'));
}

/**
 * The first page's largest-font text, when it stands out from the body text (≥ 1.25× the median
 * size): a PDF's visible title when it has no usable metadata or outline.
 */
function largestTextOnPage(lines: readonly PdfLine[]): string | null {
  const sized = lines.filter((l) => l.text.trim() !== '');
  const sizes = sized.map((l) => l.size).sort((a, b) => a - b);
  const max = sizes[sizes.length - 1] ?? 0;
  const median = sizes[Math.floor(sizes.length / 2)] ?? 0;
  if (max === 0 || max < median * 1.25) return null;
  const title = normalizeText(sized.filter((l) => l.size >= max * 0.95).map((l) => l.text).join(' ')).replace(/\s+/g, ' ');
  return title.length >= 3 && title.length <= 300 ? title : null;
}

function pageMetadata(from: number, to: number): Record<string, unknown> {
  return from === to ? { page: from } : { pages: [from, to] };
}

function pageSections(pages: readonly string[]): DraftSection[] {
  return pages.map((text, i) => draftSection('', text, { page: i + 1 }));
}

/**
 * One section per outline entry, holding the pages from its start up to the page before the next
 * entry (in reading order) starts. Entries that start on the same page share it. Pages before the
 * first entry form a leading untitled section.
 */
function outlineSections(outline: readonly PdfOutlineEntry[], pages: readonly string[]): DraftSection[] {
  const flat: { entry: PdfOutlineEntry; start: number }[] = [];
  let last = 0;
  // Depth-first, in document order, without recursion (the model's outline is at most 32 deep,
  // but nothing here should depend on it).
  const stack: PdfOutlineEntry[] = [...outline].reverse();
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const start = entry.page !== null && entry.page >= 0 && entry.page < pages.length ? entry.page : last;
    last = start;
    flat.push({ entry, start });
    for (let i = entry.children.length - 1; i >= 0; i--) stack.push(entry.children[i]!);
  }
  const ranges = new Map<PdfOutlineEntry, [number, number]>();
  flat.forEach(({ entry, start }, i) => {
    const next = flat[i + 1]?.start ?? pages.length;
    ranges.set(entry, [start, Math.max(start, next - 1)]);
  });
  const build = (entries: readonly PdfOutlineEntry[]): DraftSection[] =>
    entries.map((entry) => {
      const [from, to] = ranges.get(entry)!;
      const section = draftSection(normalizeText(entry.title), pages.slice(from, to + 1).filter(Boolean).join('\n\n'), pageMetadata(from + 1, to + 1));
      section.children = build(entry.children);
      return section;
    });
  const sections = build(outline);
  const firstStart = flat[0]?.start ?? 0;
  if (firstStart > 0) sections.unshift(draftSection('', pages.slice(0, firstStart).filter(Boolean).join('\n\n'), pageMetadata(1, firstStart)));
  return sections;
}
