import { first, integer, readDefinitions, readParagraphRefs, resolve, val, type Definitions, type Level, type PartNode } from './docx-numbering-parts.js';
import type { XmlElement } from '../xml-walk.js';

/**
 * List labels ("1.", "a)", "ii.", "•") of numbered docx paragraphs, as Word draws them.
 *
 * mammoth gives a numbered paragraph `numbering` = the level object it built for (abstractNum,
 * ilvl) from word/numbering.xml ({isOrdered, level, paragraphStyleId}), but neither the numId,
 * the abstractNumId nor numFmt / lvlText / start. The label needs all of them: the numId for its
 * w:lvlOverride/w:startOverride, the abstractNum for the counters and for the other levels that
 * "%1.%2." shows. So docx-numbering-parts.ts reads numbering.xml, styles.xml and the
 * paragraphs of document.xml itself, mirroring mammoth, to get for each paragraph mammoth reads,
 * in document order, the level mammoth found and the numId that led there.
 *
 * Why this and not matching mammoth's level objects to numbering.xml alone: a level object says
 * its ilvl but not its abstractNum, nor which w:num (so which override) the paragraph named; no
 * order of level objects can recover that. The paragraph sequence can, and it checks itself:
 * it is used only when it has exactly as many numbered paragraphs as mammoth's model, each with
 * mammoth's ilvl and isOrdered, and the same mammoth level object always pairs with the same level
 * read here (and no other). Any disagreement (a part mammoth found through a relationship
 * elsewhere, markup read differently) gives no labels at all rather than wrong ones; so does
 * malformed XML. Nothing here throws on input.
 *
 * Counting follows ECMA-376 §17.9 as Word applies it: the counters belong to the abstractNum, so
 * every w:num of one abstractNum continues one list; a w:num's w:startOverride sets the level on
 * that numId's first paragraph at the level; a paragraph at level k resets the deeper levels
 * (w:lvlRestart narrows that) and gives the unused levels above it their start value; "%n" shows
 * level n-1 in its numFmt (decimal under w:isLgl). The tab or space Word puts after a label
 * (w:suff) is always a space here.
 */

/** A mammoth paragraph as far as this reads it (lib/documents.js Paragraph). */
export interface NumberedParagraph {
  readonly numbering?: { readonly level?: unknown; readonly isOrdered?: unknown } | null;
}

const LEVELS = 9;
/** Real lvlText is a few characters ("%1.%2.%3."); a longer one gives no label, bounding label size. */
const MAX_LVL_TEXT = 64;
const BULLET = '•';
const SYMBOL_FONT = /^(symbol|wingdings|webdings|marlett)/i;

/** Labels (without the following space) of `paragraphs`, mammoth's body paragraphs in document order. */
export function listLabels<P extends NumberedParagraph>(
  paragraphs: readonly P[],
  parts: { numbering?: string; styles?: string; document?: string },
): Map<P, string> {
  const labels = new Map<P, string>();
  const numbered = paragraphs.filter((p) => p.numbering);
  if (numbered.length === 0 || !parts.numbering || !parts.document) return labels;
  const defs = readDefinitions(parts.numbering, parts.styles);
  const refs = defs && readParagraphRefs(parts.document);
  if (!defs || !refs) return labels;
  const found: { level: Level; numId: string | undefined }[] = [];
  for (const ref of refs) {
    const hit = resolve(defs, ref);
    if (hit) found.push(hit);
  }
  if (found.length !== numbered.length) return labels;
  const pairs = new Map<unknown, Level>();
  const paired = new Map<Level, unknown>();
  for (const [i, { level }] of found.entries()) {
    const theirs = numbered[i]!.numbering!;
    const ok = theirs.level === level.ilvl && theirs.isOrdered === (val(level.node, 'w:numFmt') !== 'bullet');
    if (!ok || (pairs.get(theirs) ?? level) !== level || (paired.get(level) ?? theirs) !== theirs) return labels;
    pairs.set(theirs, level);
    paired.set(level, theirs);
  }
  const counters = new Map<string, (number | undefined)[]>();
  const seen = new Set<string>();
  for (const [i, { level, numId }] of found.entries()) {
    const label = nextLabel(defs, counters, seen, level, numId);
    if (label) labels.set(numbered[i]!, label);
  }
  return labels;
}

function nextLabel(defs: Definitions, counters: Map<string, (number | undefined)[]>, seen: Set<string>, level: Level, numId: string | undefined): string | null {
  if (!/^[0-8]$/.test(level.ilvl)) return null;
  const k = Number(level.ilvl);
  const levels = defs.abstractNums[level.abstractNumId]?.levels ?? {};
  const at = (l: number): PartNode | undefined => levels[String(l)]?.node;
  const startOf = (l: number) => integer(val(at(l), 'w:start')) ?? 0;
  let values = counters.get(level.abstractNumId);
  if (!values) counters.set(level.abstractNumId, (values = new Array<number | undefined>(LEVELS).fill(undefined)));
  const override = numId !== undefined && !seen.has(`${numId}\0${k}`) ? defs.nums[numId]?.startOverrides.get(level.ilvl) : undefined;
  if (numId !== undefined) seen.add(`${numId}\0${k}`);
  const current = values[k];
  values[k] = override ?? (current === undefined ? startOf(k) : current + 1);
  for (let l = 0; l < k; l++) values[l] ??= startOf(l);
  for (let l = k + 1; l < LEVELS; l++) {
    const restartBelow = integer(val(at(l), 'w:lvlRestart')) ?? l; // restarts when a level above index restartBelow is used
    if (k < restartBelow) values[l] = undefined;
  }

  const text = val(level.node, 'w:lvlText');
  if (text === undefined || text.length > MAX_LVL_TEXT) return null;
  const format = val(level.node, 'w:numFmt');
  if (format === 'bullet') return bullet(text, first(level.node, 'w:rPr', 'w:rFonts')?.element);
  const legal = flag(first(level.node, 'w:isLgl')?.element);
  const label = text.replace(/%([1-9])/g, (_, n: string) => {
    const l = Number(n) - 1;
    return formatNumber(values[l] ?? startOf(l), legal ? 'decimal' : val(at(l), 'w:numFmt'));
  });
  return label.trim() || null;
}

/**
 * A bullet: its lvlText character when that is a symbol Unicode shows as drawn ("–", "◦", "▪",
 * "➢"), else "•": the character of a symbol font (Symbol's U+F0B7, Wingdings' "§" for a square)
 * or a letter standing for a glyph (Courier New "o") means nothing as text.
 */
function bullet(text: string, fonts: XmlElement | undefined): string | null {
  const char = text.trim();
  if (char === '') return null;
  const font = `${fonts?.attr('w:ascii') ?? ''} ${fonts?.attr('w:hAnsi') ?? ''}`.trim();
  if ([...char].length !== 1 || /[\p{L}\p{N}\p{C}]/u.test(char) || SYMBOL_FONT.test(font)) return BULLET;
  return char;
}

function formatNumber(n: number, format: string | undefined): string {
  switch (format) {
    case 'none':
      return '';
    case 'lowerLetter':
    case 'upperLetter':
      // Word: a … z, aa … zz, aaa …; past 780 (30 letters) decimal, which also bounds the label.
      if (n >= 1 && n <= 26 * 30) {
        const letters = String.fromCharCode(97 + ((n - 1) % 26)).repeat(Math.floor((n - 1) / 26) + 1);
        return format === 'upperLetter' ? letters.toUpperCase() : letters;
      }
      break;
    case 'lowerRoman':
    case 'upperRoman':
      if (n >= 1 && n < 4000) return format === 'upperRoman' ? roman(n) : roman(n).toLowerCase();
      break;
    case 'decimalZero':
      return n >= 0 && n < 10 ? `0${n}` : String(n);
  }
  return String(n); // decimal, and every other numFmt
}

function roman(n: number): string {
  let out = '';
  for (const [value, digits] of [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']] as const) {
    for (; n >= value; n -= value) out += digits;
  }
  return out;
}

/** An on/off property: present and not w:val="0"/"false"/"off". */
function flag(element: XmlElement | undefined): boolean {
  return element !== undefined && !/^(0|false|off)$/.test(element.attr('w:val') ?? '');
}
