import { child, descendant, elements, type XmlNode } from '../xml-tree.js';

/** A slide's (or notes page's) text: its title placeholder's, and the other shapes' lines. */
export interface SlideText {
  title: string;
  lines: string[];
}

const TITLE_TYPES = new Set(['title', 'ctrTitle']);
/**
 * Placeholders whose text is not the slide's content: the slide number, date and footer repeat on
 * every slide (boilerplate an index is better without); on a notes page also the header and the
 * slide image.
 */
const SLIDE_SKIPPED = new Set(['sldNum', 'dt', 'ftr']);
const NOTES_SKIPPED = new Set(['sldNum', 'dt', 'ftr', 'hdr', 'sldImg']);

/** The slide's text, shapes in the order of its shape tree (p:cSld/p:spTree), groups flattened. */
export function slideText(root: XmlNode, kind: 'slide' | 'notes'): SlideText {
  const out: SlideText = { title: '', lines: [] };
  const tree = child(child(root, 'p:cSld'), 'p:spTree');
  if (tree) shapes(tree, kind === 'slide' ? SLIDE_SKIPPED : NOTES_SKIPPED, out, kind === 'slide');
  return out;
}

function shapes(tree: XmlNode, skipped: ReadonlySet<string>, out: SlideText, titled: boolean): void {
  for (const shape of elements(tree)) {
    if (shape.name === 'p:grpSp') {
      shapes(shape, skipped, out, titled);
    } else if (shape.name === 'p:sp') {
      const placeholder = child(child(child(shape, 'p:nvSpPr'), 'p:nvPr'), 'p:ph');
      const type = placeholder?.attrs['type'] ?? (placeholder ? 'body' : '');
      if (skipped.has(type)) continue;
      const lines = paragraphs(child(shape, 'p:txBody'));
      if (titled && TITLE_TYPES.has(type) && out.title === '' && lines.length > 0) out.title = lines.join(' ').replace(/\s+/g, ' ').trim();
      else out.lines.push(...lines);
    } else if (shape.name === 'p:graphicFrame') {
      const table = descendant(shape, 'a:tbl');
      if (table) out.lines.push(...tableRows(table));
    }
  }
}

/** The a:p paragraphs of a text body, one line each (a line break inside one stays a newline). */
function paragraphs(body: XmlNode | undefined): string[] {
  if (!body) return [];
  return elements(body, 'a:p')
    .map(paragraphText)
    .filter((line) => line.trim() !== '');
}

function paragraphText(p: XmlNode): string {
  let text = '';
  for (const run of elements(p)) {
    if (run.name === 'a:r' || run.name === 'a:fld') text += textOf(child(run, 'a:t'));
    else if (run.name === 'a:br') text += '\n';
  }
  return text;
}

function textOf(node: XmlNode | undefined): string {
  return node ? node.children.filter((c): c is string => typeof c === 'string').join('') : '';
}

/** A table as one line per row, cells tab-separated (a cell's paragraphs joined by spaces). */
function tableRows(table: XmlNode): string[] {
  return elements(table, 'a:tr')
    .map((row) =>
      elements(row, 'a:tc')
        .map((cell) => paragraphs(child(cell, 'a:txBody')).join(' ').replace(/\s+/g, ' ').trim())
        .join('\t'),
    )
    .filter((row) => row.trim() !== '');
}
