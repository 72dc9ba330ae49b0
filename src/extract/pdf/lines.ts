import type { PdfLine } from './model.js';

/**
 * Pieces of one printed line that an engine reports apart — author names between superscript
 * marks, a word after a footnote sign — joined back: a piece that starts where the previous one
 * ends, on the same baseline. A space goes between pieces that are apart.
 */
export function mergeLineFragments(lines: readonly PdfLine[]): PdfLine[] {
  const out: PdfLine[] = [];
  for (const line of lines) {
    const prev = out[out.length - 1];
    const size = Math.max(prev?.size ?? 0, line.size, 1);
    if (
      prev &&
      Math.abs(prev.bottom - line.bottom) <= size * 0.4 &&
      line.x >= prev.right - size * 0.5 &&
      line.x - prev.right <= size * 3
    ) {
      const gap = line.x - prev.right;
      out[out.length - 1] = {
        ...prev,
        text: gap > size * 0.15 && !/^[,.;:!?)\]]/.test(line.text) ? `${prev.text} ${line.text}` : prev.text + line.text,
        right: Math.max(prev.right, line.right),
        top: Math.max(prev.top, line.top),
        bottom: Math.min(prev.bottom, line.bottom),
        // The larger font leads: a superscript does not make the line smaller.
        size: Math.max(prev.size, line.size),
      };
    } else {
      out.push(line);
    }
  }
  return out;
}

/**
 * Lower-case words of 3+ letters in the document, for deciding whether a line-end hyphen is part
 * of the word. The pieces around a line-end hyphen are not counted: "Work-" / "ers" would
 * otherwise vouch for themselves.
 */
export function documentWords(pages: readonly (readonly PdfLine[])[]): Set<string> {
  const words = new Set<string>();
  for (const lines of pages) {
    let afterHyphen = false;
    for (const line of lines) {
      let text = line.text.toLowerCase();
      if (afterHyphen) text = text.replace(/^\p{L}+/u, '');
      afterHyphen = /\p{L}-$/u.test(text);
      if (afterHyphen) text = text.replace(/\p{L}+-$/u, '');
      for (const m of text.matchAll(/\p{L}{3,}/gu)) words.add(m[0]);
    }
  }
  return words;
}

const LIST_ITEM = /^(?:[•\-–—*·▪◦●○■□➢►]|\(?\d{1,3}[.)]|\(?[a-z][.)]|\(?[ivxlc]{1,5}[.)])\s/i;
/** A paragraph-joining decision past this many lines on one page would be quadratic: keep lines. */
const MAX_LINES_TO_JOIN = 2000;

/**
 * A page's lines as paragraphs: the lines of one paragraph joined with a space, paragraphs on
 * lines of their own. A paragraph ends at a vertical gap larger than the line spacing, a change
 * of font size or weight, a line that starts outside the paragraph's left edge, a line that ends
 * well short of its column's right edge, or a line that starts like a list item — unless the text
 * plainly goes on (a line ending in a lower-case letter, comma or hyphen, the next starting lower
 * case). Short aligned lines (tables, lists, code) therefore stay one per line. A line-end hyphen
 * is kept only where both halves are words and the joined word is not (see keepsHyphen).
 */
export function paragraphsOf(lines: readonly PdfLine[], documentWords: ReadonlySet<string>): string[] {
  if (lines.length > MAX_LINES_TO_JOIN) return lines.map((l) => l.text);
  const rightEdges = lines.map((line) => columnRight(line, lines));
  const paragraphs: string[] = [];
  let text = '';
  let prev: PdfLine | null = null;
  let prevRight = 0;
  let left = 0;
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (prev && continues(prev, prevRight, line, left, count)) {
      text = join(text, line.text, documentWords);
      // The paragraph's left edge is its second line's (the first may be indented), or the new
      // column's.
      if (count === 1 || line.bottom > prev.bottom) left = line.x;
      count++;
    } else {
      if (text !== '') paragraphs.push(text);
      text = line.text;
      left = line.x;
      count = 1;
    }
    prev = line;
    prevRight = rightEdges[i]!;
  }
  if (text !== '') paragraphs.push(text);
  return paragraphs;
}

/** The right edge of the column a line is in: the furthest right of lines starting near it. */
function columnRight(line: PdfLine, lines: readonly PdfLine[]): number {
  const near = line.size * 3;
  let right = line.right;
  for (const other of lines) if (Math.abs(other.x - line.x) <= near && other.right > right) right = other.right;
  return right;
}

function continues(prev: PdfLine, prevColumnRight: number, line: PdfLine, left: number, count: number): boolean {
  const size = Math.max(prev.size, 1);
  const startsLower = /^\p{Ll}/u.test(line.text);
  // A word broken by a line-end hyphen goes on whatever the styles say: a caption's bold lead
  // ("Figure 11. … inter-" / "preter …") or an OCR'd line of a slightly different size.
  const brokenWord = startsLower && /\p{L}-$/u.test(prev.text) && Math.abs(line.size - prev.size) <= size * 0.3;
  if (!brokenWord && (Math.abs(line.size - prev.size) > size * 0.15 || line.bold !== prev.bold)) return false;
  if (LIST_ITEM.test(line.text)) return false;
  const step = prev.bottom - line.bottom; // baseline to baseline, downwards
  // A sentence or word that plainly goes on ("… the" / "com-" followed by a lower-case start)
  // continues whatever the line lengths and indents say, within a normal line step or into the
  // next column.
  // (A lower-case or comma end only from a line that fills most of its column: short rows of a
  // table do not run on; a word broken by a hyphen always does.)
  const wide = prev.right - prev.x >= 0.6 * (prevColumnRight - Math.min(prev.x, left));
  const goesOn = brokenWord || (startsLower && wide && /[\p{Ll},;]$/u.test(prev.text));
  // The next column: the text goes on at the top of a column to the right.
  if (step < 0 && line.x >= prev.right - size) return goesOn || prev.right >= prevColumnRight - size * 3;
  if (step <= size * 0.3 || step > size * (goesOn ? 2.5 : 1.75)) return false;
  if (goesOn) return true;
  // Left edge: the paragraph's body (or, after its first line, where the first line may be indented).
  const edge = count === 1 ? Math.min(left, line.x) : left;
  if (Math.abs(line.x - edge) > size * (count === 1 ? 3 : 0.8)) return false;
  if (count === 1 && line.x > left + size * 0.8) return false; // an indented second line starts something new
  return prev.right >= prevColumnRight - size * 3;
}

/** Short paragraphs that may stand between a word broken at a page's end and its rest: a footer. */
const MAX_TRAILER_CHARS = 40;
const MAX_TRAILERS = 2;

/**
 * Consecutive pages' paragraphs, with a word broken at the end of one page ("be-" / "tween") joined
 * to the start of the next as within a page. The page's footer lines ("xiv PREFACE", a page
 * number), when they stand between the two halves, follow the joined paragraph.
 */
export function joinAcrossPages(pages: readonly (readonly string[])[], documentWords: ReadonlySet<string>): string[][] {
  const out = pages.map((p) => [...p]);
  for (let p = 0; p + 1 < out.length; p++) {
    const here = out[p]!;
    const next = out[p + 1]!;
    const first = next[0];
    if (first === undefined || !/^\p{Ll}/u.test(first)) continue;
    let i = here.length - 1;
    while (i >= 0 && here.length - 1 - i < MAX_TRAILERS && !/\p{L}-$/u.test(here[i]!) && here[i]!.length <= MAX_TRAILER_CHARS) i--;
    if (i < 0 || !/\p{L}-$/u.test(here[i]!)) continue;
    here[i] = join(here[i]!, first, documentWords);
    next.shift();
  }
  return out;
}

function join(text: string, next: string, documentWords: ReadonlySet<string>): string {
  // Only the paragraph's tail is looked at: a regex anchored at the end of the whole (growing)
  // paragraph scanned it from every position, quadratic in its length (1.5 s of freeculture.pdf).
  const hyphen = text.endsWith('-') ? /(\p{L}+)-$/u.exec(text.slice(-64)) : null;
  const head = /^(\p{Ll}\p{L}*)/u.exec(next);
  if (hyphen && head) return keepsHyphen(hyphen[1]!, head[1]!, documentWords) ? text + next : text.slice(0, -1) + next;
  return `${text} ${next}`;
}

/**
 * A line-end hyphen stays ("well-" + "known") when the joined word occurs nowhere else in the
 * document and both halves are words of their own (found elsewhere, or of one or two letters:
 * "commodity-by-commodity"); otherwise it only split a word ("com-" + "pile", "Work-" + "ers").
 */
function keepsHyphen(before: string, after: string, documentWords: ReadonlySet<string>): boolean {
  if (documentWords.has((before + after).toLowerCase())) return false;
  const isWord = (w: string) => w.length <= 2 || documentWords.has(w.toLowerCase());
  return isWord(before) && isWord(after);
}
