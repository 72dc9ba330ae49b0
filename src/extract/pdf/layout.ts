import { draftSection, pruneEmpty, type DraftSection } from '../draft.js';
import { normalizeText, type ExtractionWarning } from '../text-normalize.js';
import { cleanTitle } from '../title.js';
import { findHeadings, joinWrapped, type Heading } from './headings.js';
import { documentWords, joinAcrossPages, mergeLineFragments, paragraphsOf } from './lines.js';
import type { PdfContent, PdfLine, PdfOutlineEntry } from './model.js';
import { dropRunningLines } from './running-lines.js';

/**
 * Sections and title from the engine-neutral model (src/extract/pdf/model.ts): layout code never
 * sees an engine, so both engines — and synthetic pages in tests — go through the same rules.
 *
 * Every line of text lands in exactly one section. With an outline, each entry's section starts
 * at its destination (its top coordinate, else its title found among the page's lines, else the
 * top of its page) and ends where the next entry starts; a parent holds the text between its own
 * heading and its first child. Without an outline, lines set as headings (clearly larger, or bold
 * and on their own) start sections nested by size; failing those, one section per page.
 */
export interface PdfLayout {
  readonly title: string;
  readonly sections: DraftSection[];
  /** Each page's text, normalised (empty for a page without text). */
  readonly pageTexts: readonly string[];
  readonly warnings: readonly ExtractionWarning[];
}

/** A position in the document's line sequence. */
interface Cut {
  readonly page: number;
  readonly line: number;
}

export function layOut(content: PdfContent): PdfLayout {
  const merged = content.pages.map((p) => mergeLineFragments(p.lines));
  const { pages, dropped } = dropRunningLines(merged);
  const words = documentWords(pages);
  const render = (from: Cut, to: Cut) => renderSpan(pages, from, to, words);
  const pageParagraphs = pages.map((lines) => paragraphsOf(lines, words));
  const pageTexts = pageParagraphs.map((paragraphs) => normalizeText(paragraphs.join('\n')));

  let sections: DraftSection[];
  const headings = content.outline.length > 0 ? [] : findHeadings(pages);
  if (content.outline.length > 0) sections = outlineSections(content.outline, pages, render);
  else if (headings.length > 0) sections = headingSections(headings, pages, render);
  else {
    // One section per page: a word broken at a page's end is joined in the page where it starts.
    sections = joinAcrossPages(pageParagraphs, words).map((paragraphs, i) => draftSection('', normalizeText(paragraphs.join('\n')), { page: i + 1 }));
  }

  const warnings: ExtractionWarning[] = [];
  if (dropped > 0) {
    warnings.push({ code: 'RUNNING_TEXT_DROPPED', message: `${dropped} running header or footer line(s) repeated across pages were left out` });
  }
  const title =
    cleanTitle(content.info.title) ?? cleanTitle(content.outline[0]?.title) ?? largestTextOnPage(pages[0] ?? []) ?? '';
  return { title, sections: pruneEmpty(sections), pageTexts, warnings };
}

/** The lines from `from` up to (not including) `to`, as paragraphs; pages apart by a blank line. */
function renderSpan(pages: readonly (readonly PdfLine[])[], from: Cut, to: Cut, words: ReadonlySet<string>): string {
  const parts: string[][] = [];
  for (let p = from.page; p <= Math.min(to.page, pages.length - 1); p++) {
    const lines = pages[p]!;
    const start = p === from.page ? from.line : 0;
    const end = p === to.page ? to.line : lines.length;
    if (end > start) parts.push(paragraphsOf(lines.slice(start, end), words));
  }
  return normalizeText(
    joinAcrossPages(parts, words)
      .filter((paragraphs) => paragraphs.length > 0)
      .map((paragraphs) => paragraphs.join('\n'))
      .join('\n\n'),
  );
}

/** `page` / `pages` metadata of the lines from `from` to `to`; `fallback` (0-based) when empty. */
function pageMetadata(pages: readonly (readonly PdfLine[])[], from: Cut, to: Cut, fallback: number): Record<string, unknown> {
  let first = -1;
  let last = -1;
  for (let p = from.page; p <= Math.min(to.page, pages.length - 1); p++) {
    const start = p === from.page ? from.line : 0;
    const end = p === to.page ? to.line : pages[p]!.length;
    if (end > start) {
      if (first < 0) first = p;
      last = p;
    }
  }
  if (first < 0) return { page: fallback + 1 };
  return first === last ? { page: first + 1 } : { pages: [first + 1, last + 1] };
}

const before = (a: Cut, b: Cut) => a.page < b.page || (a.page === b.page && a.line < b.line);
const later = (a: Cut, b: Cut): Cut => (before(a, b) ? b : a);

function comparable(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Without a leading section number ("2.1 ", "IV. ", "A. "), which outline titles often leave out. */
const unnumbered = (text: string) => text.replace(/^\s*(?:\d+(?:\.\d+)*|[IVXLC]+|[A-Z])[.)]?\s+(?=\p{L})/u, '');

/** The entry's title among the page's lines from `start` on: its index, or -1. */
function findTitleLine(title: string, lines: readonly PdfLine[], start: number, top: number | null): number {
  const wanted = comparable(unnumbered(title));
  if (wanted.length < 2) return -1;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (top !== null && line.bottom > top + line.size * 2) continue; // above the destination
    const have = comparable(unnumbered(line.text));
    if (have.length === 0) continue;
    // The whole line is the title (a heading), or the title's start (a heading that wraps).
    if (have === wanted || (have.length >= Math.min(8, wanted.length) && wanted.startsWith(have))) return i;
  }
  return -1;
}

/** An outline entry with the cut where its text starts. */
interface Placed {
  readonly entry: PdfOutlineEntry;
  readonly cut: Cut;
  /** The cut's line is the entry's title (found on its page): a heading, left out of the text. */
  readonly skipHeading: boolean;
  /** Placed at the top of its page, for want of a position or a title found there. */
  readonly pageStart: boolean;
}

/**
 * The outline's entries in document order, each placed: at its title among its page's lines,
 * else at its top coordinate, else at the top of its page. Cuts never move backwards.
 */
function placeOutline(outline: readonly PdfOutlineEntry[], pages: readonly (readonly PdfLine[])[]): Placed[] {
  const flat: Placed[] = [];
  let prev: Placed | null = null;
  const stack: PdfOutlineEntry[] = [...outline].reverse();
  while (stack.length > 0) {
    const entry = stack.pop()!;
    for (let i = entry.children.length - 1; i >= 0; i--) stack.push(entry.children[i]!);
    const fallbackPage = prev?.cut.page ?? 0;
    const page = entry.page !== null && entry.page >= 0 && entry.page < pages.length ? entry.page : null;
    let placed: Placed;
    if (page === null) {
      // Unresolvable destination: an empty section where the previous entry is.
      placed = { entry, cut: prev?.cut ?? { page: fallbackPage, line: 0 }, skipHeading: false, pageStart: false };
    } else {
      const lines = pages[page]!;
      const start = prev && prev.cut.page === page ? prev.cut.line : 0;
      const byTitle = findTitleLine(entry.title, lines, start, entry.top);
      if (byTitle >= 0) {
        placed = { entry, cut: { page, line: byTitle }, skipHeading: true, pageStart: false };
      } else if (entry.top !== null) {
        let line = start;
        const top = entry.top;
        while (line < lines.length && lines[line]!.bottom > top + 1) line++;
        placed = { entry, cut: { page, line }, skipHeading: false, pageStart: false };
      } else if (!prev || prev.cut.page < page || (prev.cut.page === page && prev.pageStart)) {
        // No position and no title on the page: the entry starts at the top of its page (several
        // such entries on one page: the last, the most specific, gets the page).
        placed = { entry, cut: { page, line: 0 }, skipHeading: false, pageStart: true };
      } else {
        placed = { entry, cut: prev.cut, skipHeading: false, pageStart: false };
      }
    }
    if (prev) placed = { ...placed, cut: later(prev.cut, placed.cut) };
    if (prev && placed.cut === prev.cut && prev.skipHeading) placed = { ...placed, skipHeading: false };
    flat.push(placed);
    prev = placed;
  }
  return flat;
}

/**
 * One section per outline entry, in document order. Each entry's cut is where its text starts;
 * cuts never move backwards, so text between two cuts belongs to exactly one entry.
 */
function outlineSections(
  outline: readonly PdfOutlineEntry[],
  pages: readonly (readonly PdfLine[])[],
  render: (from: Cut, to: Cut) => string,
): DraftSection[] {
  const flat = placeOutline(outline, pages);
  const end: Cut = { page: pages.length, line: 0 };
  const spans = new Map<PdfOutlineEntry, DraftSection>();
  flat.forEach((placed, i) => {
    const from: Cut = placed.skipHeading ? { page: placed.cut.page, line: placed.cut.line + 1 } : placed.cut;
    const to = flat[i + 1]?.cut ?? end;
    const text = before(from, to) ? render(from, to) : '';
    const fallback = placed.entry.page ?? placed.cut.page;
    spans.set(placed.entry, draftSection(normalizeText(placed.entry.title), text, pageMetadata(pages, from, before(from, to) ? to : from, fallback)));
  });
  const build = (entries: readonly PdfOutlineEntry[]): DraftSection[] =>
    entries.map((entry) => {
      const section = spans.get(entry)!;
      section.children = build(entry.children);
      return section;
    });
  const sections = build(outline);
  const first = flat[0]?.cut ?? end;
  const leading: Cut = { page: 0, line: 0 };
  if (before(leading, first)) sections.unshift(draftSection('', render(leading, first), pageMetadata(pages, leading, first, 0)));
  return sections;
}

/** Sections started by headings, nested by heading level; text before the first heading leads. */
function headingSections(headings: readonly Heading[], pages: readonly (readonly PdfLine[])[], render: (from: Cut, to: Cut) => string): DraftSection[] {
  const end: Cut = { page: pages.length, line: 0 };
  const roots: DraftSection[] = [];
  const open: { level: number; section: DraftSection }[] = [];
  const first: Cut = headings[0] ? { page: headings[0].page, line: headings[0].line } : end;
  const leading: Cut = { page: 0, line: 0 };
  if (before(leading, first)) roots.push(draftSection('', render(leading, first), pageMetadata(pages, leading, first, 0)));
  headings.forEach((heading, i) => {
    const from: Cut = { page: heading.page, line: heading.line + heading.lineCount };
    const next = headings[i + 1];
    const to: Cut = next ? { page: next.page, line: next.line } : end;
    const text = before(from, to) ? render(from, to) : '';
    const section = draftSection(heading.title, text, pageMetadata(pages, { page: heading.page, line: heading.line }, before(from, to) ? to : from, heading.page));
    while (open.length > 0 && open[open.length - 1]!.level >= heading.level) open.pop();
    (open.length > 0 ? open[open.length - 1]!.section.children : roots).push(section);
    open.push({ level: heading.level, section });
  });
  return roots;
}

/**
 * The first page's largest-font text, when it stands out from the body text (≥ 1.25× the median
 * size): a PDF's visible title when it has no usable metadata or outline.
 */
function largestTextOnPage(lines: readonly PdfLine[]): string | null {
  const sized = lines.filter((l) => l.text.trim() !== '' && l.size >= 3);
  const sizes = sized.map((l) => l.size).sort((a, b) => a - b);
  const max = sizes[sizes.length - 1] ?? 0;
  const median = sizes[Math.floor(sizes.length / 2)] ?? 0;
  if (max === 0 || max < median * 1.25) return null;
  const title = normalizeText(sized.filter((l) => l.size >= max * 0.95).map((l) => l.text).reduce(joinWrapped)).replace(/\s+/g, ' ');
  return title.length >= 3 && title.length <= 300 ? title : null;
}
