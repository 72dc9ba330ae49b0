import type { XmlNode } from '../xml-tree.js';
import { elements } from '../xml-tree.js';
import type { Outline } from './outline.js';

/** Notes and comments met in the body, collected for their own sections after it. */
export interface OdtNotes {
  readonly footnotes: string[];
  readonly endnotes: string[];
  readonly comments: string[];
}

/**
 * Elements whose content is not the document's text: tracked deletions (text:tracked-changes holds
 * removed text), declarations, forms, and generated indexes (a table of contents repeats the
 * headings it lists).
 */
const SKIPPED = new Set([
  'text:tracked-changes',
  'text:sequence-decls',
  'text:variable-decls',
  'text:user-field-decls',
  'office:forms',
  'text:table-of-content',
  'text:illustration-index',
  'text:table-index',
  'text:object-index',
  'text:user-index',
  'text:alphabetical-index',
  'text:bibliography',
  'office:annotation-end',
  'office:binary-data',
]);
/** At most this many spaces from one text:s (text:c is the file's number). */
const MAX_SPACES = 100;

/**
 * The blocks of office:text (or of any container: a section, a list item, a table cell) into the
 * outline: text:h by its outline level, paragraphs as lines, lists item by item, tables as
 * tab-separated rows.
 */
export function readBlocks(container: XmlNode, outline: Outline, notes: OdtNotes): void {
  for (const node of elements(container)) {
    if (SKIPPED.has(node.name)) continue;
    switch (node.name) {
      case 'text:h': {
        const level = Math.min(Math.max(Number(node.attrs['text:outline-level'] ?? 1) || 1, 1), 10);
        outline.heading(level, inlineText(node, notes));
        break;
      }
      case 'text:p':
        outline.line(inlineText(node, notes));
        break;
      case 'table:table':
        for (const row of tableRows(node, notes)) outline.line(row);
        break;
      default:
        // text:list, text:list-item, text:list-header, text:section, text:soft-page-break, …
        readBlocks(node, outline, notes);
    }
  }
}

/** A table's rows (header rows, row groups included), cells tab-separated; covered cells skipped. */
function tableRows(table: XmlNode, notes: OdtNotes): string[] {
  const rows: string[] = [];
  const visit = (node: XmlNode) => {
    for (const e of elements(node)) {
      if (e.name === 'table:table-row') {
        const cells = elements(e, 'table:table-cell').map((cell) => cellText(cell, notes));
        while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop(); // repeated empty cells
        if (cells.some((c) => c !== '')) rows.push(cells.join('\t'));
      } else if (/^table:table-(header-rows|rows|row-group)$/.test(e.name)) {
        visit(e);
      }
    }
  };
  visit(table);
  return rows;
}

function cellText(cell: XmlNode, notes: OdtNotes): string {
  const lines: string[] = [];
  const collect = (node: XmlNode) => {
    for (const e of elements(node)) {
      if (e.name === 'text:p' || e.name === 'text:h') lines.push(inlineText(e, notes));
      else if (e.name === 'table:table') lines.push(...tableRows(e, notes));
      else if (!SKIPPED.has(e.name)) collect(e);
    }
  };
  collect(cell);
  return lines.join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * A paragraph's or heading's text. Runs of XML white space collapse to one space (ODF 1.2 §6.1.2);
 * text:s, text:tab and text:line-break are the spaces, tabs and breaks the author typed. A note's
 * body and a comment go to `notes`, not into the line; a text box's paragraphs become lines.
 */
export function inlineText(node: XmlNode, notes: OdtNotes): string {
  let out = '';
  for (const c of node.children) {
    if (typeof c === 'string') {
      out += c.replace(/[ \t\r\n]+/g, ' ');
      continue;
    }
    switch (c.name) {
      case 'text:s':
        out += ' '.repeat(Math.min(Math.max(Number(c.attrs['text:c'] ?? 1) || 1, 1), MAX_SPACES));
        break;
      case 'text:tab':
        out += '\t';
        break;
      case 'text:line-break':
        out += '\n';
        break;
      case 'text:note': {
        const body = elements(c, 'text:note-body')[0];
        const text = body ? blockLines(body, notes) : '';
        if (text) (c.attrs['text:note-class'] === 'endnote' ? notes.endnotes : notes.footnotes).push(text);
        break;
      }
      case 'office:annotation': {
        const text = blockLines(c, notes);
        if (text) notes.comments.push(text);
        break;
      }
      case 'draw:text-box':
        out += `\n${blockLines(c, notes)}\n`;
        break;
      default:
        if (!SKIPPED.has(c.name) && !c.name.startsWith('dc:') && c.name !== 'text:note-citation') out += inlineText(c, notes);
    }
  }
  return out.replace(/^ +| +$/gm, '');
}

/** The paragraphs under `node` (a note's body, a comment, a text box) as lines. */
function blockLines(node: XmlNode, notes: OdtNotes): string {
  const lines: string[] = [];
  const visit = (n: XmlNode) => {
    for (const e of elements(n)) {
      if (e.name === 'text:p' || e.name === 'text:h') lines.push(inlineText(e, notes));
      else if (e.name === 'table:table') lines.push(...tableRows(e, notes));
      else if (!SKIPPED.has(e.name) && !e.name.startsWith('dc:') && !e.name.startsWith('meta:')) visit(e);
    }
  };
  visit(node);
  return lines.filter((l) => l.trim() !== '').join('\n');
}
