import { normalizeText } from '../text-normalize.js';
import type { PdfLine } from './model.js';

export interface Heading {
  readonly page: number;
  /** Index of the heading's first line on its page. */
  readonly line: number;
  /** Lines the heading spans (a long heading wraps). */
  readonly lineCount: number;
  readonly title: string;
  /** 0 for the largest headings, then 1, 2 …; nesting follows it. */
  readonly level: number;
}

/** Clearly larger than the body text. */
const LARGER = 1.3;
const MAX_HEADING_CHARS = 120;
/** More heading-like lines than this share of all lines: a slide deck or a form, not headings. */
const MAX_HEADING_SHARE = 0.25;

/**
 * Lines set as headings in a PDF without an outline: short, not ending like a sentence, with a
 * letter in them, and either in a font clearly larger than the body text (1.3×) or bold (at body
 * size or larger) where the body is not bold. Consecutive heading lines of one style are one (wrapped) heading.
 * Levels follow the font size, larger first; bold body-size headings nest below all larger ones.
 */
export function findHeadings(pages: readonly (readonly PdfLine[])[]): Heading[] {
  const body = bodyStyle(pages);
  if (body === null) return [];
  type Candidate = { page: number; line: number; size: number; bold: boolean; text: string };
  const candidates: Candidate[] = [];
  let lineTotal = 0;
  pages.forEach((lines, page) => {
    lineTotal += lines.length;
    lines.forEach((line, i) => {
      if (line.size < 3) return;
      // The next line of a wrapped heading may start lower case ("… Signal" / "through Common …").
      const prev = candidates[candidates.length - 1];
      const wraps = prev !== undefined && prev.page === page && prev.line === i - 1 && prev.size === round(line.size) && prev.bold === line.bold;
      if (!(looksLikeHeadingText(line.text) || (wraps && looksLikeHeadingContinuation(line.text)))) return;
      const larger = line.size >= body.size * LARGER;
      // Bold, at body size or somewhat larger, on its own line: "1. Introduction" in 11 pt bold
      // over 9 pt body text.
      const boldHeading = line.bold && !body.bold && line.size >= body.size * 0.85 && standsAlone(lines, i);
      if (larger || boldHeading) candidates.push({ page, line: i, size: round(line.size), bold: line.bold, text: line.text });
    });
  });
  if (candidates.length === 0 || candidates.length > lineTotal * MAX_HEADING_SHARE) return [];

  // Wrapped headings: the next line of the same page and style.
  const merged: (Candidate & { lineCount: number })[] = [];
  for (const c of candidates) {
    const last = merged[merged.length - 1];
    if (last && last.page === c.page && last.line + last.lineCount === c.line && last.size === c.size && last.bold === c.bold) {
      last.text = joinWrapped(last.text, c.text);
      last.lineCount++;
    } else {
      merged.push({ ...c, lineCount: 1 });
    }
  }
  // Levels: larger first; at one size, bold before regular.
  const styles = [...new Set(merged.map((h) => h.size * 2 + (h.bold ? 1 : 0)))].sort((a, b) => b - a);
  return merged.map((h) => ({
    page: h.page,
    line: h.line,
    lineCount: h.lineCount,
    title: normalizeText(h.text).replace(/\s+/g, ' '),
    level: styles.indexOf(h.size * 2 + (h.bold ? 1 : 0)),
  }));
}

const round = (size: number) => Math.round(size * 2) / 2;

/** The size and weight most of the text is set in (counted in characters). */
function bodyStyle(pages: readonly (readonly PdfLine[])[]): { size: number; bold: boolean } | null {
  const chars = new Map<string, number>();
  for (const lines of pages) {
    for (const line of lines) {
      if (line.size < 3) continue;
      const k = `${round(line.size)}|${line.bold ? 1 : 0}`;
      chars.set(k, (chars.get(k) ?? 0) + line.text.length);
    }
  }
  let best: string | null = null;
  for (const [k, n] of chars) if (best === null || n > chars.get(best)!) best = k;
  if (best === null) return null;
  const [size, bold] = best.split('|');
  return { size: Number(size), bold: bold === '1' };
}

function looksLikeHeadingText(text: string): boolean {
  const t = text.trim();
  if (t.length < 2 || t.length > MAX_HEADING_CHARS) return false;
  if (!/\p{L}{2,}/u.test(t)) return false;
  if (/[.,;:]$/.test(t) && !/\.\.\.$/.test(t)) return false;
  // A word broken at the line's end: a sentence that goes on ("Figure 11. … by inter-"), not a heading.
  if (/\p{L}-$/u.test(t)) return false;
  return /^[\p{Lu}\p{N}\p{Lo}]/u.test(t);
}

/** A wrapped heading's later line: the length and ending rules of a heading, any first letter. */
function looksLikeHeadingContinuation(text: string): boolean {
  const t = text.trim();
  if (t.length < 2 || t.length > MAX_HEADING_CHARS || !/\p{L}{2,}/u.test(t)) return false;
  return !/[.,;:]$/.test(t) || /\.\.\.$/.test(t);
}

/** A bold body-size line is a heading when the lines around it are not bold (a run-in word is). */
function standsAlone(lines: readonly PdfLine[], i: number): boolean {
  const next = lines[i + 1];
  return next === undefined || !next.bold || next.size !== lines[i]!.size;
}

/** Lines of one wrapped heading or title: a line-end hyphen joins without a space. */
export function joinWrapped(text: string, next: string): string {
  return /\p{L}-$/u.test(text) ? text + next : `${text} ${next}`;
}
